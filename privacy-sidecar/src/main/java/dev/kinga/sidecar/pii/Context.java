package dev.kinga.sidecar.pii;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared context enhancer: words near a candidate that turn a bare number or a capitalised
 * word into personal data ("national ID 12345678", "call 0712 345 678"). Phrases match whole
 * words, in any case, ending within a few words before the candidate: "valid number 12345678" is
 * not a national ID because "valid" is not "id".
 */
final class Context {

    private final String[][] phrases;
    private final WordList lastWords;
    private final int reach;

    /**
     * @param reach how many tokens before the candidate the phrase may end at (1 = right before)
     * @param phrases lower-case phrases; words split on spaces and punctuation ("d.o.b" is d o b)
     */
    Context(int reach, String... phrases) {
        this.reach = reach;
        this.phrases = new String[phrases.length][];
        List<String> last = new ArrayList<>();
        for (int i = 0; i < phrases.length; i++) {
            this.phrases[i] = phrases[i].split("[^\\p{L}\\p{N}']+");
            last.add(this.phrases[i][this.phrases[i].length - 1]);
        }
        this.lastWords = new WordList(last);
    }

    /** Whether a phrase ends within {@link #reach} tokens before token {@code first}. */
    boolean before(Scan scan, int first) {
        for (int end = first - 1; end >= 0 && end >= first - reach; end--) {
            if (endsAt(scan, end) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether a phrase ends exactly at token {@code last}: the index of its first token, or -1. */
    int endsAt(Scan scan, int last) {
        if (!lastWords.contains(scan, last)) {
            return -1;
        }
        for (String[] phrase : phrases) {
            int t = last;
            int w = phrase.length - 1;
            while (w >= 0 && t >= 0 && scan.is(t, phrase[w])) {
                w--;
                t--;
            }
            if (w < 0) {
                return t + 1;
            }
        }
        return -1;
    }
}
