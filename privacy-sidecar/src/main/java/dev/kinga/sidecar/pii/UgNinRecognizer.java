package dev.kinga.sidecar.pii;

import java.util.List;

/**
 * Uganda's National Identification Numbers (NIRA): 14 characters, C (citizen) or F (foreign
 * resident), M or F (sex), two digits of the birth year, then a 10-character serial, e.g.
 * CM90012345678X. NIRA publishes no check digit, so the serial must at least be mostly digits.
 */
final class UgNinRecognizer implements Recognizer {

    private static final Context NIN = new Context(4, "nin", "national id", "national identification number", "ndaga muntu",
            "nira", "id no", "id number", "id");

    @Override
    public EntityType type() {
        return EntityType.UG_NIN;
    }

    @Override
    public void find(Scan scan, List<Detection> out) {
        for (int k = 0, skip = -1; k < scan.mixedCount(); k++) {
            int t = scan.mixed(k);
            if (t <= skip) {
                continue;
            }
            if (scan.length(t) == 14 && scan.isMixed(t) && shape(scan, scan.start(t))) {
                out.add(new Detection(type(), scan.start(t), scan.end(t), NIN.before(scan, t) ? 0.95 : 0.8));
            }
        }
    }

    private static boolean shape(Scan scan, int at) {
        char holder = scan.charAt(at);
        char sex = scan.charAt(at + 1);
        if (holder != 'C' && holder != 'F' || sex != 'M' && sex != 'F'
                || !isDigit(scan.charAt(at + 2)) || !isDigit(scan.charAt(at + 3))) {
            return false;
        }
        int digits = 0;
        for (int i = at + 4; i < at + 14; i++) {
            char c = scan.charAt(i);
            if (isDigit(c)) {
                digits++;
            } else if (c < 'A' || c > 'Z') {
                return false;
            }
        }
        return digits >= 5;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
