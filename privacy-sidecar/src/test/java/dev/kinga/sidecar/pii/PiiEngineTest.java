package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each recognizer with valid and invalid forms, through the engine (so overlaps resolve as in production). */
class PiiEngineTest {

    private final PiiEngine engine = new PiiEngine();

    private List<String> found(String text, EntityType type) {
        return engine.detect(text).stream().filter(d -> d.type() == type)
                .map(d -> text.substring(d.start(), d.end())).toList();
    }

    @Test
    void emails() {
        assertEquals(List.of("amina.kiprop@uni.ac.ug"), found("Write to amina.kiprop@uni.ac.ug.", EntityType.EMAIL));
        assertEquals(List.of("x+tag@mail.co.ke"), found("(x+tag@mail.co.ke)", EntityType.EMAIL));
        assertEquals(List.of(), found("not@an-address, @handle, a@b", EntityType.EMAIL));
    }

    @Test
    void decomposedAndUpperCaseTextIsFoundWhole() {
        // NFD: a letter and its combining mark are one name, so no part of it is left behind on redaction.
        assertEquals(List.of("Zo\u0308e Wanjiru"), found("Mrs. Zo\u0308e Wanjiru, call back", EntityType.PERSON));
        assertEquals(List.of("Jose\u0301 Mun\u0303oz"), found("Dr. Jose\u0301 Mun\u0303oz called", EntityType.PERSON));
        assertEquals(List.of("AMINA@EXAMPLE.COM"), found("MAIL AMINA@EXAMPLE.COM NOW", EntityType.EMAIL));
    }

    @Test
    void phonesInternationalKenyanAndUgandan() {
        assertEquals(List.of("+254 712 345 678"), found("Call +254 712 345 678 now", EntityType.PHONE));
        assertEquals(List.of("+254712345678"), found("Call +254712345678", EntityType.PHONE));
        assertEquals(List.of("0712 345 678"), found("Call back on 0712 345 678.", EntityType.PHONE));
        assertEquals(List.of("0764 697482"), found("Her Uganda number is 0764 697482", EntityType.PHONE));
        assertEquals(List.of("+44 20 7946 0958"), found("London office: +44 20 7946 0958", EntityType.PHONE));
        assertEquals(List.of(), found("+254 712 345", EntityType.PHONE), "too short for Kenya");
        assertEquals(List.of(), found("Invoice 0712345678901 paid", EntityType.PHONE));
    }

    @Test
    void cardsNeedLuhnAndAKnownIssuer() {
        assertEquals(List.of("4111 1111 1111 1111"), found("Billing card 4111 1111 1111 1111", EntityType.CREDIT_CARD));
        assertEquals(List.of("5517-7573-0412-7798"), found("card 5517-7573-0412-7798", EntityType.CREDIT_CARD));
        assertEquals(List.of("378282246310005"), found("Amex 378282246310005", EntityType.CREDIT_CARD));
        assertEquals(List.of(), found("Order number 4111111111111112 is not a card", EntityType.CREDIT_CARD), "Luhn fails");
        assertEquals(List.of(), found("Ref 9111111111111111", EntityType.CREDIT_CARD), "no issuer starts with 9");
    }

    @Test
    void ibansNeedTheirCountryLengthAndMod97() {
        assertEquals(List.of("GB82 WEST 1234 5698 7654 32"), found("Refund to IBAN GB82 WEST 1234 5698 7654 32 today", EntityType.IBAN));
        assertEquals(List.of("DE89370400440532013000"), found("IBAN DE89370400440532013000.", EntityType.IBAN));
        assertEquals(List.of(), found("IBAN GB82 WEST 1234 5698 7654 33", EntityType.IBAN), "check digits fail");
    }

    @Test
    void ipAddressesV4AndV6() {
        assertEquals(List.of("131.219.151.49"), found("Login from 131.219.151.49 was flagged.", EntityType.IP_ADDRESS));
        assertEquals(List.of("2001:db8::8a2e:370:7334"), found("from 2001:db8::8a2e:370:7334.", EntityType.IP_ADDRESS));
        assertEquals(List.of("fe80:0:0:0:202:b3ff:fe1e:8329"), found("link fe80:0:0:0:202:b3ff:fe1e:8329", EntityType.IP_ADDRESS));
        assertEquals(List.of(), found("version 1.2.3.4.5 and 256.1.1.1 and 10:30:45", EntityType.IP_ADDRESS));
    }

    @Test
    void ssnsFollowSsaRules() {
        assertEquals(List.of("452-76-3201"), found("SSN on file: 452-76-3201.", EntityType.US_SSN));
        assertEquals(List.of("452763201"), found("SSN 452763201", EntityType.US_SSN));
        assertEquals(List.of(), found("SSN 666-12-3456, 900-12-3456, 123-00-4567, 123-45-0000", EntityType.US_SSN));
        assertEquals(List.of(), found("Batch 452763201 shipped", EntityType.US_SSN), "bare nine digits need context");
    }

    @Test
    void kenyanNationalIdsOnlyWithContext() {
        assertEquals(List.of("28455376"), found("National ID No. 28455376", EntityType.KE_NATIONAL_ID));
        assertEquals(List.of("1234567"), found("kitambulisho 1234567", EntityType.KE_NATIONAL_ID));
        assertEquals(List.of(), found("Invoice 78707214 is due", EntityType.KE_NATIONAL_ID));
    }

    @Test
    void datesOfBirthOnlyWhereTheTextSaysSo() {
        assertEquals(List.of("27/05/1940"), found("DOB: 27/05/1940", EntityType.DATE_OF_BIRTH));
        assertEquals(List.of("December 23, 1998"), found("Date of birth December 23, 1998.", EntityType.DATE_OF_BIRTH));
        assertEquals(List.of("3 May 1963"), found("She was born on 3 May 1963", EntityType.DATE_OF_BIRTH));
        assertEquals(List.of("1971-02-05"), found("DOB 1971-02-05", EntityType.DATE_OF_BIRTH));
        assertEquals(List.of(), found("Next appointment 12/05/2024 at 10:30", EntityType.DATE_OF_BIRTH));
        assertEquals(List.of(), found("DOB: 45/13/1940", EntityType.DATE_OF_BIRTH), "no such date");
    }

    @Test
    void personsAfterATitle() {
        assertEquals(List.of("Amina Odhiambo"), found("Seen by Dr. Amina Odhiambo: stable", EntityType.PERSON));
        assertEquals(List.of("Mwangi"), found("Session notes for Mrs Mwangi.", EntityType.PERSON));
        assertEquals(List.of("Mary-Anne O'Brien"), found("Ms Mary-Anne O'Brien called", EntityType.PERSON));
        assertEquals(List.of(), found("the doctor said mr smith", EntityType.PERSON));
    }

    @Test
    void offsetsAreUtf16IndicesAndOverlapsResolveToOneEntity() {
        String text = "😀 Call +254 712 345 678";
        Detection d = engine.detect(text).get(0);
        assertEquals("+254 712 345 678", text.substring(d.start(), d.end()));
        List<Detection> all = engine.detect("IP 10.0.0.1 card 4111111111111111");
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i - 1).end() <= all.get(i).start(), "no overlaps");
        }
    }

    @Test
    void adversarialInputIsScannedWithoutBlowingUp() {
        StringBuilder s = new StringBuilder();
        s.append("9".repeat(200_000)).append(' ');
        s.append("@".repeat(200_000)).append(' ');
        s.append("1.".repeat(100_000)).append(' ');
        s.append("a@".repeat(100_000)).append(' ');
        s.append("Dr ".repeat(50_000));
        List<Detection> found = engine.detect(s.toString());
        assertTrue(found.stream().noneMatch(d -> d.length() > 100), "no absurd spans");
    }
}
