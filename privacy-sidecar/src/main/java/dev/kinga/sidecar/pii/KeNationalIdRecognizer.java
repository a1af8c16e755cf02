package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import java.util.List;

/**
 * Kenyan national identity card numbers: 7 or 8 digits that the text introduces as an ID
 * ("ID no. 12345678", "kitambulisho 1234567"). Other numbers of that length (invoices, batches)
 * are not personal identifiers.
 */
final class KeNationalIdRecognizer implements Recognizer {

    private static final Context NATIONAL_ID = new Context(4, "national id", "id no", "id number", "id card", "id",
            "nid", "kitambulisho", "national identity", "identity card", "identity number", "huduma namba", "idno");

    /** "BCX-44819203": the number ends a reference code of letters and a dash. */
    private static boolean attachedCode(Scan scan, int t) {
        return t > 0 && scan.gap(t - 1) == '-' && scan.has(t - 1, Scan.LETTERS);
    }

    @Override
    public EntityType type() {
        return EntityType.KE_NATIONAL_ID;
    }

    @Override
    public void find(Scan scan, List<Detection> out) {
        for (int k = 0, skip = -1; k < scan.numberCount(); k++) {
            int t = scan.number(k);
            if (t <= skip) {
                continue;
            }
            int length = scan.length(t);
            if ((length == 7 || length == 8) && !scan.joinedBefore(t, ".-/: ,")
                    && !scan.joinedAfter(t, ".-/: ,") && !attachedCode(scan, t) && NATIONAL_ID.before(scan, t)) {
                out.add(new Detection(type(), scan.start(t), scan.end(t), 0.85));
            }
        }
    }
}
