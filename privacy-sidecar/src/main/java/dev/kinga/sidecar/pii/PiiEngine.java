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
 * of two overlapping detections the higher score wins, then the longer one. Detections are few
 * next to the text, so sorting them by position and settling each cluster of overlaps costs
 * little. Thread-safe.
 */
@ApplicationScoped
public class PiiEngine {

    private static final Comparator<Detection> BEST_FIRST = Comparator
            .comparingDouble(Detection::score).reversed()
            .thenComparing(Comparator.comparingInt(Detection::length).reversed())
            .thenComparingInt(Detection::start);
    private static final Comparator<Detection> IN_TEXT_ORDER = Comparator.comparingInt(Detection::start)
            .thenComparingInt(Detection::end);

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
        Scan scan = Scan.of(text);
        List<Detection> all = new ArrayList<>();
        try {
            for (Recognizer recognizer : recognizers) {
                recognizer.find(scan, all);
            }
        } finally {
            scan.release();
        }
        if (all.size() <= 1) {
            return all;
        }
        all.sort(IN_TEXT_ORDER);
        List<Detection> kept = new ArrayList<>(all.size());
        int i = 0;
        while (i < all.size()) {
            // a cluster: detections that overlap one another, directly or through a chain
            int j = i + 1;
            int clusterEnd = all.get(i).end();
            while (j < all.size() && all.get(j).start() < clusterEnd) {
                clusterEnd = Math.max(clusterEnd, all.get(j).end());
                j++;
            }
            if (j == i + 1) {
                kept.add(all.get(i));
            } else {
                keepBest(all.subList(i, j), kept);
            }
            i = j;
        }
        return kept;
    }

    /**
     * Of overlapping detections, the best first, then the best of the rest that overlap none kept.
     * Kept spans never overlap, so only the kept span starting last before a candidate's end can
     * overlap it: one look-up per candidate, however long a chain of overlaps runs.
     */
    private static void keepBest(List<Detection> cluster, List<Detection> kept) {
        List<Detection> candidates = new ArrayList<>(cluster);
        candidates.sort(BEST_FIRST);
        TreeMap<Integer, Detection> chosenByStart = new TreeMap<>();
        for (Detection candidate : candidates) {
            Map.Entry<Integer, Detection> before = chosenByStart.floorEntry(candidate.end() - 1);
            if (before == null || !before.getValue().overlaps(candidate)) {
                chosenByStart.put(candidate.start(), candidate);
            }
        }
        List<Detection> chosen = new ArrayList<>(chosenByStart.values());
        chosen.sort(IN_TEXT_ORDER);
        kept.addAll(chosen);
    }
}
