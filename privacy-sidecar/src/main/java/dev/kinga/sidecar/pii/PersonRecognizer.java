package dev.kinga.sidecar.pii;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names introduced by a title ("Dr. Amina Odhiambo", "Mrs Mwangi", "Bi. Wanjiru Kamau"): the
 * span is the name without the title, up to three capitalised words. Bounded quantifiers only.
 */
final class PersonRecognizer implements Recognizer {

    /** Letters with their combining marks, so NFD text ("Zo\u0308e") is one name, not "Zo" and a remainder. */
    private static final String NAME = "\\p{Lu}[\\p{L}\\p{M}'’]{0,30}(?:-\\p{Lu}[\\p{L}\\p{M}'’]{0,30})?";
    private static final int MAX_MATCH = 140;
    private static final Pattern TITLED = Pattern.compile(
            "(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Rev|Sr|Fr|Bw|Bi|Mwalimu|Daktari|Doctor|Professor|Sister|Nurse)"
                    + "\\.?[ \\t]{1,3}(" + NAME + "(?:[ ]" + NAME + "){0,2})(?![\\p{L}\\p{M}\\p{N}])");

    /** First letters of the titles: the pattern is only tried where one starts a word. */
    private static final String TITLE_INITIALS = "DMPRSFBN";

    @Override
    public void find(String text, List<Detection> out) {
        Matcher m = TITLED.matcher(text);
        int n = text.length();
        for (int i = 0; i < n; i++) {
            if (TITLE_INITIALS.indexOf(text.charAt(i)) < 0 || i > 0 && Character.isLetterOrDigit(text.charAt(i - 1))) {
                continue;
            }
            m.region(i, Math.min(n, i + MAX_MATCH));
            if (m.lookingAt()) {
                out.add(new Detection(EntityType.PERSON, m.start(1), m.end(1), 0.85));
                i = m.end(1) - 1;
            }
        }
    }
}
