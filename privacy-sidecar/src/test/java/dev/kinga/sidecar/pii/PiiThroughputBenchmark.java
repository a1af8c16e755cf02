package dev.kinga.sidecar.pii;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the JMH benchmarks (one fork, one thread, so one core) and reports MB/s; not part of
 * CI: {@code mvn verify -Pbenchmark -pl privacy-sidecar}. Writes target/benchmarks/pii.md.
 */
class PiiThroughputBenchmark {

    @Test
    void detectionThroughput() throws Exception {
        String corpus = System.getProperty(PiiDetectJmh.CORPUS_PROPERTY);
        Options options = new OptionsBuilder()
                .include(PiiDetectJmh.class.getName())
                .forks(1).threads(1)
                .warmupIterations(3).warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(2))
                .measurementIterations(5).measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(2))
                .jvmArgsAppend("-D" + PiiDetectJmh.CORPUS_PROPERTY + "=" + corpus)
                .build();
        Collection<RunResult> results = new Runner(options).run();

        PiiDetectJmh state = new PiiDetectJmh();
        state.load();
        int corpusBytes = state.corpusText.getBytes(StandardCharsets.UTF_8).length;
        double opsPerSecond = 0;
        double adversarialMillis = 0;
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            if (name.endsWith("corpusLikeText")) {
                opsPerSecond = r.getPrimaryResult().getScore();
            } else if (name.endsWith("adversarialMegabyteScan")) {
                adversarialMillis = r.getPrimaryResult().getScore();
            }
        }
        double mbPerSecond = opsPerSecond * corpusBytes / 1e6;
        String report = String.format("""
                # PII detection benchmark (JMH 1.37, one fork, one thread)

                | what | result | target |
                | --- | --- | --- |
                | corpus-like text (%d bytes per call) | %.1f MB/s (%.0f calls/s) | >= 20 MB/s on one core |
                | 1 MB adversarial string (digit runs, repeated '@', dots) | %.1f ms per scan | < 200 ms |
                """, corpusBytes, mbPerSecond, opsPerSecond, adversarialMillis);
        System.out.println(report);
        Path out = Path.of("target", "benchmarks");
        Files.createDirectories(out);
        Files.writeString(out.resolve("pii.md"), report);
        assertTrue(opsPerSecond > 0 && adversarialMillis > 0, "both benchmarks ran");
    }
}
