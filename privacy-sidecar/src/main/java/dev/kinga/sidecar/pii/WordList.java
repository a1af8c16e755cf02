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

/**
 * A set of words looked up by a token's span without making a String: open addressing on the
 * {@link Scan#hash} of the lower-cased word, then a case-insensitive comparison.
 */
final class WordList {

    private final char[][] words;
    private final int[] hashes;
    private final int mask;
    private final int size;

    WordList(Collection<String> entries) {
        int capacity = Integer.highestOneBit(Math.max(4, entries.size() * 2 + 1)) * 2;
        words = new char[capacity][];
        hashes = new int[capacity];
        mask = capacity - 1;
        int added = 0;
        for (String entry : entries) {
            String word = entry.strip().replace('’', '\'');
            if (word.isEmpty() || contains(word, 0, word.length(), Scan.hash(word, 0, word.length()))) {
                continue;
            }
            int h = Scan.hash(word, 0, word.length());
            int slot = mix(h) & mask;
            while (words[slot] != null) {
                slot = (slot + 1) & mask;
            }
            char[] lowered = new char[word.length()];
            for (int i = 0; i < lowered.length; i++) {
                lowered[i] = Scan.lower(word.charAt(i));
            }
            words[slot] = lowered;
            hashes[slot] = h;
            added++;
        }
        size = added;
    }

    static WordList of(String... entries) {
        return new WordList(List.of(entries));
    }

    /** One word a line; blank lines and lines starting with '#' are skipped. */
    static WordList resource(String name) {
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
            return new WordList(entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int size() {
        return size;
    }

    boolean contains(Scan scan, int token) {
        return contains(scan.text, scan.start(token), scan.end(token), scan.hash(token));
    }

    boolean contains(CharSequence text, int from, int to, int hash) {
        int length = to - from;
        int slot = mix(hash) & mask;
        char[] word;
        while ((word = words[slot]) != null) {
            if (hashes[slot] == hash && word.length == length && same(word, text, from)) {
                return true;
            }
            slot = (slot + 1) & mask;
        }
        return false;
    }

    private static boolean same(char[] word, CharSequence text, int from) {
        for (int i = 0; i < word.length; i++) {
            char c = text.charAt(from + i);
            if (word[i] != (c == '’' ? '\'' : Scan.lower(c))) {
                return false;
            }
        }
        return true;
    }

    private static int mix(int h) {
        return h ^ (h >>> 16) * 0x45d9f3b;
    }
}
