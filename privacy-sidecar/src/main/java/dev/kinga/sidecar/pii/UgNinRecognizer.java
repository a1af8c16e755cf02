package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;

/**
 * Uganda's National Identification Numbers (NIRA): 14 characters, C (citizen) or F (foreign
 * resident), M or F (sex), two digits of the birth year, then a 10-character serial, e.g.
 * CM90012345678X. NIRA publishes no check digit, so the serial must at least be mostly digits.
 */
final class UgNinRecognizer extends ShapedIdRecognizer {

    private static final Context NIN = new Context(4, "nin", "national id", "national identification number", "ndaga muntu",
            "nira", "id no", "id number", "id");

    UgNinRecognizer() {
        super(EntityType.UG_NIN, 14, 0.8, NIN);
    }

    @Override
    boolean shape(Scan scan, int at) {
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
}
