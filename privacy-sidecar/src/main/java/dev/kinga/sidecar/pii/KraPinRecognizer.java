package dev.kinga.sidecar.pii;

import java.util.List;

/**
 * Kenya Revenue Authority PINs: a letter (A for individuals, P for organisations), nine digits
 * and a check letter, e.g. A012345678Z. The shape is distinctive; "KRA" or "PIN" nearby raises
 * the score.
 */
final class KraPinRecognizer implements Recognizer {

    private static final Context KRA = new Context(4, "kra", "pin", "kra pin", "tax", "tax pin", "itax");

    @Override
    public EntityType type() {
        return EntityType.KE_KRA_PIN;
    }

    @Override
    public void find(Scan scan, List<Detection> out) {
        for (int k = 0, skip = -1; k < scan.mixedCount(); k++) {
            int t = scan.mixed(k);
            if (t <= skip) {
                continue;
            }
            if (scan.length(t) == 11 && scan.isMixed(t) && shape(scan, scan.start(t))) {
                out.add(new Detection(type(), scan.start(t), scan.end(t), KRA.before(scan, t) ? 0.95 : 0.85));
            }
        }
    }

    private static boolean shape(Scan scan, int at) {
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
