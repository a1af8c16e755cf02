package dev.kinga.sidecar.pii;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * One pass over a text that cuts it into tokens, so recognizers look only at their triggers
 * instead of each reading every character. A token is a maximal run of letters (with their
 * combining marks, and an apostrophe between letters) and digits; for each the scan keeps its
 * span, what it is made of, a case-insensitive hash, and for words what the {@link Lexicon} says
 * they are (one look-up per word, shared by every recognizer). No allocation per token: parallel
 * arrays that grow by doubling.
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
    private static final char[] LOWERED = new char[128];

    static {
        for (char c = 0; c < 128; c++) {
            LOWERED[c] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
        for (char c = '0'; c <= '9'; c++) {
            ASCII[c] = DIGIT;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            ASCII[c] = UPPER;
            ASCII[c + 32] = LOWER;
        }
    }

    final String text;
    private final char[] chars;
    private final int textLength;
    /** The one character between a token and the next, or -1 (see {@link #gap}). */
    private int[] gaps;
    /** Trigger lists: the tokens each family of recognizers starts from, so none reads every token. */
    private int[] numbers;
    private int numberCount;
    private int[] mixed;
    private int mixedCount;
    private int[] flagged;
    private int flaggedCount;
    private int[] starts;
    private int[] ends;
    private int[] flags;
    private int[] hashes;
    private int[] lexicon;
    private int count;

    /**
     * Scans whose arrays the next scans reuse: a scan of a long text would otherwise allocate
     * megabytes per call and spend its time in the garbage collector. A few, shared by all
     * threads, and none over {@link #RETAINED} characters, so the memory kept is bounded (about
     * 11 MB each at most) whatever the number of worker threads.
     */
    private static final ArrayBlockingQueue<Scan> SPARE = new ArrayBlockingQueue<>(4);
    private static final int RETAINED = 1 << 20;

    private Scan(String text, Scan previous) {
        this.text = text;
        int n = text.length();
        int capacity = Math.max(16, n / 4);
        boolean reuse = previous != null && previous.chars.length >= n && previous.starts.length >= capacity;
        chars = reuse ? previous.chars : new char[n];
        text.getChars(0, n, chars, 0);
        textLength = n;
        starts = reuse ? previous.starts : new int[capacity];
        ends = reuse ? previous.ends : new int[capacity];
        flags = reuse ? previous.flags : new int[capacity];
        hashes = reuse ? previous.hashes : new int[capacity];
        lexicon = reuse ? previous.lexicon : new int[capacity];
        gaps = reuse ? previous.gaps : new int[capacity];
        numbers = reuse ? previous.numbers : new int[capacity];
        mixed = reuse ? previous.mixed : new int[capacity];
        flagged = reuse ? previous.flagged : new int[capacity];
        tokenize();
    }

    /** Scans {@code text}, reusing a spare scan's arrays; {@link #release} it when done. */
    static Scan of(String text) {
        return new Scan(text, SPARE.poll());
    }

    /** Gives the arrays back for the next scan; this scan must not be used after. */
    void release() {
        if (chars.length <= RETAINED) {
            SPARE.offer(this);
        }
    }

    private void tokenize() {
        char[] s = chars;
        int n = textLength;
        int i = 0;
        while (i < n) {
            char c = s[i];
            byte cls = c < 128 ? ASCII[c] : kind(c);
            if (cls == OTHER) {
                i++;
                continue;
            }
            int start = i;
            int made = 0;
            boolean firstUpper = cls == UPPER;
            boolean anyLower = false;
            int hash = 0;
            while (true) {
                if (cls == DIGIT) {
                    made |= DIGITS;
                    hash = 31 * hash + c;
                } else {
                    made |= LETTERS;
                    anyLower |= cls == LOWER;
                    hash = 31 * hash + (c < 128 ? LOWERED[c] : Words.lower(c));
                }
                if (++i >= n) {
                    break;
                }
                c = s[i];
                cls = c < 128 ? ASCII[c] : kind(c);
                if (cls == OTHER) {
                    // An apostrophe between letters stays in the word (O'Brien, Thiong'o), except a
                    // possessive 's at the end of a word (John's).
                    if ((c == '\'' || c == '’') && i + 1 < n && (made & LETTERS) != 0 && isLetter(s[i + 1])
                            && !(Words.lower(s[i + 1]) == 's' && (i + 2 >= n || !isLetter(s[i + 2])))) {
                        hash = 31 * hash + '\'';
                        c = s[++i];
                        cls = c < 128 ? ASCII[c] : kind(c);
                        continue;
                    }
                    break;
                }
            }
            int f = made;
            if (firstUpper) {
                f |= FIRST_UPPER;
            }
            if ((made & LETTERS) != 0 && !anyLower) {
                f |= ALL_UPPER;
            }
            add(start, i, f, made == LETTERS ? Lexicon.of(text, start, i, hash, firstUpper) : 0, hash);
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

    private void add(int start, int end, int f, int words, int hash) {
        if (count == starts.length) {
            int grown = count * 2;
            starts = Arrays.copyOf(starts, grown);
            ends = Arrays.copyOf(ends, grown);
            flags = Arrays.copyOf(flags, grown);
            hashes = Arrays.copyOf(hashes, grown);
            lexicon = Arrays.copyOf(lexicon, grown);
            gaps = Arrays.copyOf(gaps, grown);
            numbers = Arrays.copyOf(numbers, grown);
            mixed = Arrays.copyOf(mixed, grown);
            flagged = Arrays.copyOf(flagged, grown);
        }
        int made = f & (DIGITS | LETTERS);
        if (made == DIGITS) {
            numbers[numberCount++] = count;
        } else if (made == (DIGITS | LETTERS)) {
            mixed[mixedCount++] = count;
        } else if ((words & Lexicon.TRIGGERS) != 0) {
            flagged[flaggedCount++] = count;
        }
        if (count > 0) {
            gaps[count - 1] = start - ends[count - 1] == 1 ? chars[start - 1] : -1;
        }
        gaps[count] = -1;
        starts[count] = start;
        ends[count] = end;
        flags[count] = f;
        hashes[count] = hash;
        lexicon[count] = words;
        count++;
    }

    /** Number tokens, in text order: {@code number(0..numberCount()-1)}. */
    int numberCount() {
        return numberCount;
    }

    int number(int k) {
        return numbers[k];
    }

    /** Tokens of letters and digits together, in text order. */
    int mixedCount() {
        return mixedCount;
    }

    int mixed(int k) {
        return mixed[k];
    }

    /** Words the {@link Lexicon} marks as a trigger ({@link Lexicon#TRIGGERS}), in text order. */
    int flaggedCount() {
        return flaggedCount;
    }

    int flagged(int k) {
        return flagged[k];
    }

    /** What the {@link Lexicon} says token {@code t} is (its bits), 0 for unlisted words and numbers. */
    int lexicon(int t) {
        return lexicon[t];
    }

    boolean in(int t, int lexiconBits) {
        return (lexicon[t] & lexiconBits) != 0;
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

    /** Whether token {@code t} is in {@code list}. */
    boolean listed(WordList list, int t) {
        return list.get(text, start(t), end(t), hash(t)) != 0;
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
        return gaps[t];
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
        int length = word.length();
        if (ends[t] - starts[t] != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = chars[starts[t] + i];
            if ((c < 128 ? LOWERED[c] : Words.lower(c)) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    char charAt(int i) {
        return chars[i];
    }

    int textLength() {
        return textLength;
    }
}
