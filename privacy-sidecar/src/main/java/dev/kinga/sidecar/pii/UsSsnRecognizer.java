package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import java.util.List;

/**
 * US social security numbers: 3-2-4 digits joined by dashes, dots or spaces, or nine digits
 * after "SSN" / "social security"; area, group and serial within the SSA's rules.
 */
final class UsSsnRecognizer implements Recognizer {

    private static final Context SSN = new Context(4, "ssn", "social security", "ss", "ssa");

    @Override
    public EntityType type() {
        return EntityType.US_SSN;
    }

    @Override
    public void find(Scan scan, List<Detection> out) {
        for (int k = 0, skip = -1; k < scan.numberCount(); k++) {
            int t = scan.number(k);
            if (t <= skip) {
                continue;
            }
            if (scan.joinedBefore(t, ".-/: ")) {
                continue;
            }
            int last = scan.run(t, "-. \u00A0", 4);
            boolean shaped = last == t + 2 && scan.length(t) == 3 && scan.length(t + 1) == 2 && scan.length(t + 2) == 4;
            boolean whole = last == t && scan.length(t) == 9;
            if ((shaped || whole) && !scan.joinedAfter(last, ".-/: ") && valid(scan, t, last)) {
                boolean context = SSN.before(scan, t);
                if (shaped || context) {
                    double score = context ? 0.95 : scan.gap(t) == '-' ? 0.85 : 0.7;
                    out.add(new Detection(type(), scan.start(t), scan.end(last), score));
                }
            }
            skip = last;
        }
    }

    /** SSA rules: area not 000, 666 or 900-999; group not 00; serial not 0000. */
    private static boolean valid(Scan scan, int first, int last) {
        int[] digits = new int[9];
        int k = 0;
        for (int u = first; u <= last; u++) {
            for (int i = scan.start(u); i < scan.end(u); i++) {
                digits[k++] = Scan.digit(scan.charAt(i));
            }
        }
        int area = digits[0] * 100 + digits[1] * 10 + digits[2];
        int group = digits[3] * 10 + digits[4];
        int serial = digits[5] * 1000 + digits[6] * 100 + digits[7] * 10 + digits[8];
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
    }
}
