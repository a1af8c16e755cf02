package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import java.util.List;

/**
 * Identifiers written as one token of letters and digits of a fixed length and shape (tax PINs,
 * national identification numbers). The shape alone is evidence; the identifier's context words
 * nearby raise the score.
 */
abstract class ShapedIdRecognizer implements Recognizer {

    private final EntityType type;
    private final int length;
    private final Context context;
    private final double bare;

    ShapedIdRecognizer(EntityType type, int length, double bare, Context context) {
        this.type = type;
        this.length = length;
        this.bare = bare;
        this.context = context;
    }

    /** Whether the {@link #length} characters from {@code at} have the identifier's shape. */
    abstract boolean shape(Scan scan, int at);

    @Override
    public EntityType type() {
        return type;
    }

    @Override
    public void find(Scan scan, List<Detection> out) {
        for (int k = 0; k < scan.mixedCount(); k++) {
            int t = scan.mixed(k);
            if (scan.length(t) == length && shape(scan, scan.start(t))) {
                out.add(new Detection(type, scan.start(t), scan.end(t), context.before(scan, t) ? 0.95 : bare));
            }
        }
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
