package dev.kinga.sidecar.pii;

import java.util.Arrays;

/**
 * The shared context enhancer: words near a candidate that turn a bare number or a capitalised
 * word into personal data ("national ID 12345678", "call 0712 345 678"). Phrases match whole
 * words, in any case, ending within a few words before the candidate: "valid number 12345678" is
 * not a national ID because "valid" is not "id".
 */
final class Context {

    private final String[][] phrases;
    private final int[][] hashes;
    /** The phrases' last-word hashes, sorted, and the phrase each belongs to: a binary search finds the candidates. */
    private final long[] byLastWord;
    private final int reach;

    /**
     * @param reach how many tokens before the candidate the phrase may end at (1 = right before)
     * @param phrases lower-case phrases; words split on spaces and punctuation ("d.o.b" is d o b)
     */
    Context(int reach, String... phrases) {
        this.reach = reach;
        this.phrases = Words.split(phrases).toArray(String[][]::new);
        this.hashes = new int[this.phrases.length][];
        this.byLastWord = new long[this.phrases.length];
        for (int i = 0; i < this.phrases.length; i++) {
            String[] words = this.phrases[i];
            hashes[i] = new int[words.length];
            for (int w = 0; w < words.length; w++) {
                hashes[i][w] = Words.hash(words[w], 0, words[w].length());
            }
            byLastWord[i] = (long) hashes[i][words.length - 1] << 32 | i;
        }
        Arrays.sort(byLastWord);
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
        if (scan.isNumber(last)) {
            return -1;
        }
        long key = (long) scan.hash(last) << 32;
        int at = Arrays.binarySearch(byLastWord, key);
        for (int k = at < 0 ? -at - 1 : at; k < byLastWord.length && (byLastWord[k] & 0xFFFFFFFF00000000L) == key; k++) {
            int p = (int) byLastWord[k];
            String[] phrase = phrases[p];
            int t = last;
            int w = phrase.length - 1;
            while (w >= 0 && t >= 0 && scan.hash(t) == hashes[p][w] && scan.is(t, phrase[w])) {
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
