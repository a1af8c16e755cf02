package dev.kinga.sidecar.pii;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Words with a bit set each (what the word is: a given name, a title, a common word, ...), looked
 * up by a token's span without making a String: open addressing on the {@link Scan#hash} of the
 * lower-cased word, a quarter full so a miss usually ends at the first empty slot, then a
 * case-insensitive comparison only when the hashes agree.
 */
final class WordList {

    private final char[][] words;
    private final int[] hashes;
    private final int[] values;
    private final int mask;

    /** Each entry's words get the bits of its key; a word listed under several keys gets them all. */
    WordList(Map<Integer, ? extends Collection<String>> entries) {
        int total = entries.values().stream().mapToInt(Collection::size).sum();
        int capacity = Integer.highestOneBit(Math.max(4, total * 4 - 1)) << 1;
        words = new char[capacity][];
        hashes = new int[capacity];
        values = new int[capacity];
        mask = capacity - 1;
        entries.forEach((bits, list) -> list.forEach(word -> add(word, bits)));
    }

    WordList(Collection<String> entries) {
        this(Map.of(1, entries));
    }

    static WordList of(String... entries) {
        return new WordList(List.of(entries));
    }

    private void add(String entry, int bits) {
        String word = entry.strip().replace('’', '\'');
        if (word.isEmpty()) {
            return;
        }
        int h = nonZero(Words.hash(word, 0, word.length()));
        int slot = mix(h) & mask;
        while (hashes[slot] != 0) {
            if (hashes[slot] == h && same(words[slot], word, 0, word.length())) {
                values[slot] |= bits;
                return;
            }
            slot = (slot + 1) & mask;
        }
        char[] lowered = new char[word.length()];
        for (int i = 0; i < lowered.length; i++) {
            lowered[i] = Words.lower(word.charAt(i));
        }
        words[slot] = lowered;
        hashes[slot] = h;
        values[slot] = bits;
    }

    /** One word a line; blank lines and lines starting with '#' are skipped. */
    static List<String> resource(String name) {
        try (InputStream in = WordList.class.getResourceAsStream("/pii/" + name)) {
            if (in == null) {
                throw new IllegalStateException("word list missing from the classpath: pii/" + name);
            }
            List<String> entries = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    entries.add(line);
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The word's bits, or 0 if it is not listed. */
    int get(CharSequence text, int from, int to, int hash) {
        int h = nonZero(hash);
        int slot = mix(h) & mask;
        int found;
        while ((found = hashes[slot]) != 0) {
            if (found == h && same(words[slot], text, from, to)) {
                return values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return 0;
    }

    private static boolean same(char[] word, CharSequence text, int from, int to) {
        if (word.length != to - from) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            char c = text.charAt(from + i);
            char lowered = c < 128 ? (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) : c == '’' ? '\'' : Character.toLowerCase(c);
            if (word[i] != lowered) {
                return false;
            }
        }
        return true;
    }

    private static int nonZero(int hash) {
        return hash == 0 ? 1 : hash;
    }

    private static int mix(int h) {
        int x = h * 0x9E3779B9;
        return x ^ (x >>> 15);
    }
}
