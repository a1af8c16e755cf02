package dev.kinga.sidecar.breach.notice;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailAddressesTest {

    @Test
    void plainAddressesAreTaken() {
        for (String ok : new String[]{"amina@example.org", "first.last+tag@mail.example.co.ke", "o'brien@example.test", "x@a-b.example"}) {
            assertTrue(MailAddresses.usable(ok), ok);
        }
    }

    @Test
    void quotedSpacedListedOrOverlongAddressesAreRefused() {
        for (String bad : new String[]{"\"x y\"@example.test", "x y@example.test", "a@example.test, b@example.test",
                "Name <a@example.test>", "a@example.test\r\nBcc: b@example.test", "a..b@example.test", ".a@example.test",
                "a@localhost", "a@-example.test", "a@example..test", "@example.test", "a@", "mtumiaji@mfano.co.ke\u200b",
                "ämil@example.test", "a".repeat(65) + "@example.test", "a@" + "b".repeat(250) + ".test"}) {
            assertFalse(MailAddresses.usable(bad), bad);
        }
    }
}
