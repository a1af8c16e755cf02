package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;

/**
 * Kenya Revenue Authority PINs: a letter (A for individuals, P for organisations), nine digits
 * and a check letter, e.g. A012345678Z. The shape is distinctive; "KRA" or "PIN" nearby raises
 * the score.
 */
final class KraPinRecognizer extends ShapedIdRecognizer {

    private static final Context KRA = new Context(4, "kra", "pin", "kra pin", "tax", "tax pin", "itax");

    KraPinRecognizer() {
        super(EntityType.KE_KRA_PIN, 11, 0.85, KRA);
    }

    @Override
    boolean shape(Scan scan, int at) {
        char first = scan.charAt(at);
        char check = scan.charAt(at + 10);
        if (first != 'A' && first != 'P' || check < 'A' || check > 'Z') {
            return false;
        }
        for (int i = at + 1; i < at + 10; i++) {
            char c = scan.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
