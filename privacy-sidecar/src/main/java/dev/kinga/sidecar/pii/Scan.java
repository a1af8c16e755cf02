package dev.kinga.sidecar.pii;

import java.util.Arrays;

/**
 * One pass over a text that cuts it into tokens, so recognizers look only at their triggers
 * instead of each reading every character. A token is a maximal run of letters (with their
 * combining marks, and an apostrophe between letters) and digits; for each the scan keeps its
 * span, what it is made of, and a case-insensitive hash for word-list look-ups. No allocation
 * per token: parallel arrays that grow by doubling.
 */
final class Scan {

    static final int DIGITS = 1;
    static final int LETTERS = 2;
    static final int FIRST_UPPER = 4;
    static final int ALL_UPPER = 8;

    private static final byte OTHER = 0;
    private static final byte DIGIT = 1;
    private static final byte UPPER = 2;
    private static final byte LOWER = 3;
    private static final byte[] ASCII = new byte[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            ASCII[c] = DIGIT;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            ASCII[c] = UPPER;
            ASCII[c + 32] = LOWER;
        }
    }

    final String text;
    private int[] starts;
    private int[] ends;
    private int[] flags;
    private int[] hashes;
    private int count;

    Scan(String text) {
        this.text = text;
        int capacity = Math.max(16, text.length() / 6);
        starts = new int[capacity];
        ends = new int[capacity];
        flags = new int[capacity];
        hashes = new int[capacity];
        tokenize();
    }

    private void tokenize() {
        String s = text;
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            byte cls = kind(c);
            if (cls == OTHER) {
                i++;
                continue;
            }
            int start = i;
            int made = 0;
            boolean allUpper = true;
            int hash = 0;
            boolean first = true;
            boolean firstUpper = false;
            while (true) {
                if (cls == DIGIT) {
                    made |= DIGITS;
                    hash = 31 * hash + c;
                } else if (cls != OTHER) {
                    made |= LETTERS;
                    if (first) {
                        firstUpper = cls == UPPER;
                    }
                    if (cls == LOWER) {
                        allUpper = false;
                    }
                    hash = 31 * hash + lower(c);
                }
                first = false;
                i++;
                if (i >= n) {
                    break;
                }
                c = s.charAt(i);
                cls = kind(c);
                if (cls == OTHER) {
                    // An apostrophe between letters stays in the word (O'Brien, Thiong'o), except a
                    // possessive 's at the end of a word (John's).
                    if ((c == '\'' || c == '’') && i + 1 < n && (made & LETTERS) != 0 && isLetter(s.charAt(i + 1))
                            && !(lower(s.charAt(i + 1)) == 's' && (i + 2 >= n || !isLetter(s.charAt(i + 2))))) {
                        hash = 31 * hash + '\'';
                        i++;
                        c = s.charAt(i);
                        cls = kind(c);
                        continue;
                    }
                    break;
                }
            }
            int f = made;
            if (firstUpper) {
                f |= FIRST_UPPER;
            }
            if ((made & LETTERS) != 0 && allUpper) {
                f |= ALL_UPPER;
            }
            add(start, i, f, hash);
        }
    }

    private static byte kind(char c) {
        if (c < 128) {
            return ASCII[c];
        }
        if (Character.isLetter(c)) {
            return Character.isUpperCase(c) || Character.isTitleCase(c) ? UPPER : LOWER;
        }
        int type = Character.getType(c);
        if (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK) {
            return LOWER; // a combining mark belongs to the letter before it (NFD text)
        }
        return Character.isDigit(c) ? DIGIT : OTHER;
    }

    /** The value of a digit token's character: ASCII and other scripts' decimal digits alike. */
    static int digit(char c) {
        return c <= '9' ? c - '0' : Character.digit(c, 10);
    }

    static boolean isLetter(char c) {
        byte k = kind(c);
        return k == UPPER || k == LOWER;
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

    private void add(int start, int end, int f, int hash) {
        if (count == starts.length) {
            int grown = count * 2;
            starts = Arrays.copyOf(starts, grown);
            ends = Arrays.copyOf(ends, grown);
            flags = Arrays.copyOf(flags, grown);
            hashes = Arrays.copyOf(hashes, grown);
        }
        starts[count] = start;
        ends[count] = end;
        flags[count] = f;
        hashes[count] = hash;
        count++;
    }

    int count() {
        return count;
    }

    int start(int t) {
        return starts[t];
    }

    int end(int t) {
        return ends[t];
    }

    int length(int t) {
        return ends[t] - starts[t];
    }

    int hash(int t) {
        return hashes[t];
    }

    boolean has(int t, int flag) {
        return (flags[t] & flag) != 0;
    }

    /** Digits only. */
    boolean isNumber(int t) {
        return (flags[t] & (DIGITS | LETTERS)) == DIGITS;
    }

    /** Letters only. */
    boolean isWord(int t) {
        return (flags[t] & (DIGITS | LETTERS)) == LETTERS;
    }

    /** Letters and digits together (IBANs, tax PINs, national identification numbers). */
    boolean isMixed(int t) {
        return (flags[t] & (DIGITS | LETTERS)) == (DIGITS | LETTERS);
    }

    /** A word that starts with a capital: Amina, AMINA, McDonald. */
    boolean isCapitalised(int t) {
        return isWord(t) && has(t, FIRST_UPPER);
    }

    /**
     * The one character between token {@code t} and the next, or -1 when there is no next token
     * or the gap is not exactly one character.
     */
    int gap(int t) {
        if (t + 1 >= count || starts[t + 1] - ends[t] != 1) {
            return -1;
        }
        return text.charAt(ends[t]);
    }

    /**
     * Digit tokens from {@code t} on, each joined to the next by exactly one character of
     * {@code separators}, the same one throughout: the last token of the run (at most
     * {@code maxGroups} tokens).
     */
    int run(int t, String separators, int maxGroups) {
        int last = t;
        int separator = -1;
        while (last - t + 1 < maxGroups && last + 1 < count && isNumber(last + 1)) {
            int g = gap(last);
            if (g < 0 || separators.indexOf(g) < 0 || separator >= 0 && g != separator) {
                break;
            }
            separator = g;
            last++;
        }
        return last;
    }

    /** The separator a run uses, or -1 for a single token. */
    int separator(int first, int last) {
        return first == last ? -1 : gap(first);
    }

    /**
     * Whether token {@code t} continues a number before it ("12/05/2024", "1.2.3", "12-34"): the
     * previous token has digits and one of {@code joiners} stands right between them.
     */
    boolean joinedBefore(int t, String joiners) {
        return t > 0 && has(t - 1, DIGITS) && gap(t - 1) >= 0 && joiners.indexOf(gap(t - 1)) >= 0;
    }

    /** Whether token {@code t} is continued by a number after it, through one of {@code joiners}. */
    boolean joinedAfter(int t, String joiners) {
        return t + 1 < count && has(t + 1, DIGITS) && gap(t) >= 0 && joiners.indexOf(gap(t)) >= 0;
    }

    /** Whether token {@code t} reads {@code word} (lower-case ASCII), ignoring case. */
    boolean is(int t, String word) {
        return length(t) == word.length() && text.regionMatches(true, starts[t], word, 0, word.length());
    }

    char charAt(int i) {
        return text.charAt(i);
    }

    int textLength() {
        return text.length();
    }
}
