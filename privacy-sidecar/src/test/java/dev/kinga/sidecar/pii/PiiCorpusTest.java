package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scores the engine on the development corpora (src/test/resources/pii-corpus) the way score_pii.py does (same type, character
 * IoU >= 0.5, each gold entity matched once) and writes target/pii-predictions.jsonl, so the
 * official scorer can be run on the same output: python3 score_pii.py dev.jsonl --pred ...
 */
class PiiCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * dev.jsonl: the project's labelled corpus; free-text.jsonl: notes, chats, signatures and forms
     * (make_free_text.py); review.jsonl: written by a reviewer who had not read the engine (other
     * libraries' test sentences, East African notes, chats, signatures, forms). See the README there.
     */
    @ParameterizedTest
    @CsvSource({"dev.jsonl, 0.98, 0.95", "free-text.jsonl, 0.98, 0.95", "review.jsonl, 0.98, 0.95",
            // written by a second reviewer in styles unlike the others (chats, tickets, logs, letters):
            // held to the targets for text written elsewhere
            "review-2.jsonl, 0.95, 0.85"})
    void meetsTheF1TargetsOnTheDevelopmentCorpus(String file, double microTarget, double typeTarget) throws Exception {
        Path corpus = Path.of("src/test/resources/pii-corpus", file);
        assertTrue(Files.isRegularFile(corpus), "the labelled corpus is expected at " + corpus.toAbsolutePath());
        PiiEngine engine = new PiiEngine();
        Map<EntityType, int[]> counts = new EnumMap<>(EntityType.class); // tp, fp, fn
        List<String> predictions = new ArrayList<>();
        List<String> misses = new ArrayList<>();
        for (String line : Files.readAllLines(corpus, StandardCharsets.UTF_8)) {
            JsonNode doc = JSON.readTree(line);
            String text = doc.path("text").asText();
            List<Detection> found = engine.detect(text);
            ObjectNode prediction = JSON.createObjectNode().put("id", doc.path("id").asInt());
            found.forEach(d -> prediction.withArray("entities").addObject()
                    .put("type", d.type().name()).put("start", d.start()).put("end", d.end()));
            if (found.isEmpty()) {
                prediction.putArray("entities");
            }
            predictions.add(prediction.toString());

            List<JsonNode> gold = new ArrayList<>();
            doc.path("entities").forEach(gold::add);
            boolean[] used = new boolean[gold.size()];
            for (Detection d : found) {
                int match = -1;
                for (int i = 0; i < gold.size(); i++) {
                    JsonNode g = gold.get(i);
                    if (!used[i] && g.path("type").asText().equals(d.type().name())
                            && iou(d.start(), d.end(), g.path("start").asInt(), g.path("end").asInt()) >= 0.5) {
                        match = i;
                        break;
                    }
                }
                int[] c = counts.computeIfAbsent(d.type(), t -> new int[3]);
                if (match < 0) {
                    c[1]++;
                    misses.add("FP " + d.type() + " '" + text.substring(d.start(), d.end()) + "' in doc " + doc.path("id"));
                } else {
                    used[match] = true;
                    c[0]++;
                }
            }
            for (int i = 0; i < gold.size(); i++) {
                if (!used[i]) {
                    JsonNode g = gold.get(i);
                    counts.computeIfAbsent(EntityType.valueOf(g.path("type").asText()), t -> new int[3])[2]++;
                    misses.add("FN " + g.path("type").asText() + " '" + text.substring(g.path("start").asInt(),
                            g.path("end").asInt()) + "' in doc " + doc.path("id"));
                }
            }
        }
        Path out = Path.of("target", "pii-predictions-" + file);
        Files.createDirectories(out.getParent());
        Files.write(out, predictions, StandardCharsets.UTF_8);

        int tp = 0;
        int fp = 0;
        int fn = 0;
        StringBuilder report = new StringBuilder();
        for (Map.Entry<EntityType, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            tp += c[0];
            fp += c[1];
            fn += c[2];
            double f1 = f1(c[0], c[1], c[2]);
            report.append(String.format("%-15s tp=%d fp=%d fn=%d f1=%.3f%n", e.getKey(), c[0], c[1], c[2], f1));
        }
        double micro = f1(tp, fp, fn);
        report.append(String.format("micro_f1=%.4f%n", micro));
        misses.stream().limit(40).forEach(m -> report.append(m).append('\n'));
        System.out.print(report);
        assertTrue(micro >= microTarget, file + ": micro-F1 below " + microTarget + "\n" + report);
        for (Map.Entry<EntityType, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            assertTrue(f1(c[0], c[1], c[2]) >= typeTarget, file + ": " + e.getKey() + " below " + typeTarget + "\n" + report);
        }
    }

    private static double iou(int s1, int e1, int s2, int e2) {
        int inter = Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
        int union = Math.max(e1, e2) - Math.min(s1, s2);
        return union == 0 ? 0 : (double) inter / union;
    }

    private static double f1(int tp, int fp, int fn) {
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }
}
