package dev.kinga.sidecar.pii;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the JMH benchmarks (one fork, one thread, so one core) and reports MB/s on mixed text and
 * milliseconds per adversarial megabyte for every shape; not part of CI:
 * {@code mvn verify -Pbenchmark -pl privacy-sidecar}. Writes target/benchmarks/pii.md.
 */
class PiiThroughputBenchmark {

    @Test
    void detectionThroughput() throws Exception {
        String corpus = System.getProperty(PiiDetectJmh.CORPUS_PROPERTY, "src/test/resources/pii-corpus");
        Options options = new OptionsBuilder()
                .include(PiiDetectJmh.class.getName())
                .param("shape", PiiDetectJmh.SHAPES.toArray(String[]::new))
                .forks(1).threads(1)
                .warmupIterations(5).warmupTime(TimeValue.seconds(2))
                .measurementIterations(5).measurementTime(TimeValue.seconds(2))
                .jvmArgsAppend("-D" + PiiDetectJmh.CORPUS_PROPERTY + "=" + corpus)
                .build();
        Collection<RunResult> results = new Runner(options).run();

        int mixedBytes = PiiDetectJmh.mixedText(Path.of(corpus)).getBytes(StandardCharsets.UTF_8).length;
        double mixedOps = 0;
        Map<String, Double> adversarialMillis = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            if (name.endsWith("mixedRealisticText")) {
                mixedOps = Math.max(mixedOps, r.getPrimaryResult().getScore());
            } else if (name.endsWith("adversarialMegabyteScan")) {
                adversarialMillis.put(r.getParams().getParam("shape"), r.getPrimaryResult().getScore());
            }
        }
        StringBuilder report = new StringBuilder(String.format("""
                # PII detection benchmark (JMH 1.37, one fork, one thread)

                | what | result | target |
                | --- | --- | --- |
                | mixed realistic text (%,d bytes per call) | %.1f MB/s (%.0f calls/s) | >= 100 MB/s on one core |
                """, mixedBytes, mixedOps * mixedBytes / 1e6, mixedOps));
        adversarialMillis.forEach((shape, ms) -> report.append(String.format(
                "| 1 MB adversarial: %s | %.2f ms per scan | < 20 ms |%n", shape, ms)));
        System.out.println(report);
        Path out = Path.of("target", "benchmarks");
        Files.createDirectories(out);
        Files.writeString(out.resolve("pii.md"), report);
        assertTrue(mixedOps > 0, "the mixed-text benchmark ran");
        assertEquals(PiiDetectJmh.SHAPES.size(), adversarialMillis.size(), "every adversarial shape ran");
    }
}
