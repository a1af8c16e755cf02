package dev.kinga.sidecar.pii;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs every recognizer over a text and resolves overlaps: of two overlapping detections the
 * higher score wins, then the longer one. Thread-safe and stateless.
 */
@jakarta.enterprise.context.ApplicationScoped
public class PiiEngine {

    private static final Comparator<Detection> BEST_FIRST = Comparator
            .comparingDouble(Detection::score).reversed()
            .thenComparing(Comparator.comparingInt(Detection::length).reversed())
            .thenComparingInt(Detection::start);

    private final List<Recognizer> recognizers = List.of(
            new EmailRecognizer(), new NumberRecognizer(), new IbanRecognizer(), new Ipv6Recognizer(),
            new DateOfBirthRecognizer(), new PersonRecognizer());

    /** @return non-overlapping detections in text order */
    public List<Detection> detect(String text) {
        List<Detection> all = new ArrayList<>();
        for (Recognizer recognizer : recognizers) {
            recognizer.find(text, all);
        }
        all.sort(BEST_FIRST);
        // Kept spans never overlap, so only the kept span starting last before a candidate's end
        // can overlap it: one lookup per candidate, O(n log n) however many candidates there are.
        TreeMap<Integer, Detection> kept = new TreeMap<>();
        for (Detection candidate : all) {
            Map.Entry<Integer, Detection> before = kept.floorEntry(candidate.end() - 1);
            if (before == null || !before.getValue().overlaps(candidate)) {
                kept.put(candidate.start(), candidate);
            }
        }
        return new ArrayList<>(kept.values());
    }
}
