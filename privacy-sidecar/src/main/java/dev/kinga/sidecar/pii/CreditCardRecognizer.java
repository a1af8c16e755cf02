package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import java.util.List;

/**
 * Payment card numbers: 13 to 19 digits that pass the Luhn check, in an issuer's range (any
 * network: Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro, Dankort, Mir, RuPay,
 * Troy, ...), written whole or in the groups cards print. Several cards on one line are found
 * one by one.
 */
final class CreditCardRecognizer implements Recognizer {

    private static final Context CARD = new Context(4, "card", "visa", "mastercard", "amex", "credit", "debit",
            "maestro", "kadi", "cc", "pan");
    private static final String SEPARATORS = " -\u00A0";

    @Override
    public EntityType type() {
        return EntityType.CREDIT_CARD;
    }

    @Override
    public void find(Scan scan, List<Detection> out) {
        for (int k = 0, skip = -1; k < scan.numberCount(); k++) {
            int t = scan.number(k);
            if (t <= skip) {
                continue;
            }
            if (scan.joinedBefore(t, ".,/:")) {
                continue;
            }
            int last = scan.run(t, SEPARATORS, 10);
            if (digitsIn(scan, t, last) < 13) {
                skip = last;
                continue;
            }
            boolean context = CARD.before(scan, t);
            int g = t;
            while (g <= last) {
                int end = longestCardFrom(scan, g, last, context);
                if (end >= 0 && !(end == last && scan.joinedAfter(last, ".,/"))) {
                    out.add(new Detection(type(), scan.start(g), scan.end(end), context ? 0.95 : 0.85));
                    g = end + 1;
                } else {
                    g++;
                }
            }
            skip = last;
        }
    }

    private static int digitsIn(Scan scan, int first, int last) {
        return scan.end(last) - scan.start(first) - (last - first);
    }

    /** The last token of the longest card number starting at token {@code first}, or -1. */
    private static int longestCardFrom(Scan scan, int first, int last, boolean context) {
        char lead = scan.charAt(scan.start(first));
        if (lead == '0' || lead == '1' || lead == '7') {
            return -1; // no network's numbers start with these
        }
        int digits = 0;
        int best = -1;
        for (int u = first; u <= last; u++) {
            digits += scan.length(u);
            if (digits > 19) {
                break;
            }
            if (digits >= 13 && grouping(scan, first, u, digits) && issuer(scan, first, digits, context) && luhn(scan, first, u)) {
                best = u;
            }
        }
        return best;
    }

    /** Printed the way cards are: whole, in fours (the last shorter), or Amex's and Diners' 4-6-5 / 4-6-4. */
    private static boolean grouping(Scan scan, int first, int last, int digits) {
        if (first == last) {
            return true;
        }
        int groups = last - first + 1;
        if (groups == 3 && scan.length(first) == 4 && scan.length(first + 1) == 6 && (digits == 15 || digits == 14)) {
            return true;
        }
        for (int u = first; u < last; u++) {
            if (scan.length(u) != 4) {
                return false;
            }
        }
        return scan.length(last) >= 1 && scan.length(last) <= 4;
    }

    /** The issuer identification number fits a network and that network's lengths. */
    private static boolean issuer(Scan scan, int first, int digits, boolean context) {
        int four = 0;
        int taken = 0;
        for (int u = first; taken < 4; u++) {
            for (int i = scan.start(u); i < scan.end(u) && taken < 4; i++, taken++) {
                four = four * 10 + Scan.digit(scan.charAt(i));
            }
        }
        int one = four / 1000;
        int two = four / 100;
        if (one == 4) {
            return digits == 13 || digits == 16 || digits == 19;
        }
        if (two >= 51 && two <= 55) {
            return digits == 16;
        }
        if (four >= 2221 && four <= 2720 || four >= 2200 && four <= 2204) {
            return digits == 16;
        }
        if (two == 34 || two == 37) {
            return digits == 15;
        }
        if (two == 36 || two == 38 || two == 30 || two == 39) {
            return digits >= 14;
        }
        if (one == 3 || one == 5 || one == 6 || two == 81 || two == 82 || four == 9792) {
            return digits >= 16 || context; // JCB, Discover, UnionPay, Maestro, Dankort, RuPay, Troy
        }
        return false; // no network starts this way
    }

    private static boolean luhn(Scan scan, int first, int last) {
        int sum = 0;
        boolean doubled = false;
        for (int u = last; u >= first; u--) {
            for (int i = scan.end(u) - 1; i >= scan.start(u); i--) {
                int d = Scan.digit(scan.charAt(i));
                if (doubled) {
                    d *= 2;
                    if (d > 9) {
                        d -= 9;
                    }
                }
                sum += d;
                doubled = !doubled;
            }
        }
        return sum % 10 == 0;
    }
}
