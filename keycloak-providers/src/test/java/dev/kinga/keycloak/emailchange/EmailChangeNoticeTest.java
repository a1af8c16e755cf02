package dev.kinga.keycloak.emailchange;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmailChangeNoticeTest {

    @Test
    void theNewAddressIsShownOnlyInPartAndItsDomainAsDnsKnowsIt() {
        assertEquals("n•••@example.org", EmailChangeNotice.masked("new-amina@example.org"));
        assertEquals("a•••@xn--exmple-4nf.org", EmailChangeNotice.masked("amina@exаmple.org"), "a Cyrillic а is not the Latin a");
        assertEquals("•••", EmailChangeNotice.masked("no-at-sign"));
        assertEquals("", EmailChangeNotice.masked(null));
    }

    @Test
    void theActionsMaximumSignInAgeMayNotBeLongerThanFiveMinutes() {
        assertTrue(UpdateEmailAction.withinLimit("300"));
        assertTrue(UpdateEmailAction.withinLimit(" 1 "));
        assertFalse(UpdateEmailAction.withinLimit("301"));
        assertFalse(UpdateEmailAction.withinLimit("86400"));
        assertFalse(UpdateEmailAction.withinLimit("-1"));
        assertFalse(UpdateEmailAction.withinLimit("five minutes"));
    }
}
