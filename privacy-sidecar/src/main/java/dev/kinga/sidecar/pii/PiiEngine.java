package dev.kinga.sidecar.pii;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds personal data in text: one {@link Scan} cuts the text into tokens, every registered
 * recognizer ({@link Recognizers}) reads only its trigger tokens, and overlaps are resolved:
 * of two overlapping detections the higher score wins, then the longer one. Thread-safe.
 */
@ApplicationScoped
public class PiiEngine {

    private static final Comparator<Detection> BEST_FIRST = Comparator
            .comparingDouble(Detection::score).reversed()
            .thenComparing(Comparator.comparingInt(Detection::length).reversed())
            .thenComparingInt(Detection::start);

    private final List<Recognizer> recognizers;

    /** With the default phone regions (tests, benchmarks). */
    public PiiEngine() {
        this(PhoneRecognizer.DEFAULT_REGIONS);
    }

    @Inject
    public PiiEngine(@ConfigProperty(name = "kinga.pii.phone-regions", defaultValue = "KE,UG,TZ,RW,BI,SS,ET,US,GB")
                     List<String> phoneRegions) {
        this.recognizers = Recognizers.all(phoneRegions);
    }

    /** @return non-overlapping detections in text order */
    public List<Detection> detect(String text) {
        Scan scan = new Scan(text);
        List<Detection> all = new ArrayList<>();
        for (Recognizer recognizer : recognizers) {
            recognizer.find(scan, all);
        }
        if (all.size() <= 1) {
            return all;
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
