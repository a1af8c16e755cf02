package dev.kinga.sidecar.pii;

import java.util.ArrayList;
import java.util.List;

/**
 * How the engine compares words: lower-casing, the word hash the tokenizer computes for each token
 * and the word lists are keyed by, and phrases split into words. Below {@link Scan}, the lists and
 * the context phrases, so each of them computes a word the same way.
 */
final class Words {

    private Words() {
    }

    static char lower(char c) {
        if (c < 128) {
            return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
        return Character.toLowerCase(c);
    }

    /** The word-list hash of {@code s[from, to)}: the same function the tokenizer computes. */
    static int hash(CharSequence s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            h = 31 * h + (c == '’' ? '\'' : lower(c));
        }
        return h;
    }

    /** Each phrase as its words, split on spaces and punctuation ("d.o.b" is d o b). */
    static List<String[]> split(String[] phrases) {
        List<String[]> split = new ArrayList<>();
        for (String phrase : phrases) {
            split.add(phrase.split("[^\\p{L}\\p{N}']+"));
        }
        return split;
    }
}
