package dev.kinga.sidecar.pii;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JMH: the engine on corpus-like text (all corpus documents joined, about 60 KB) and on a 1 MB
 * adversarial string (long digit runs, repeated '@', dots). Run by {@link PiiThroughputBenchmark}.
 */
@State(Scope.Benchmark)
public class PiiDetectJmh {

    static final String CORPUS_PROPERTY = "kinga.pii.corpus";

    private final PiiEngine engine = new PiiEngine();
    String corpusText;
    String adversarial;

    @Setup
    public void load() throws Exception {
        ObjectMapper json = new ObjectMapper();
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(Path.of(System.getProperty(CORPUS_PROPERTY)), StandardCharsets.UTF_8)) {
            text.append(json.readTree(line).path("text").asText()).append("\n\n");
        }
        corpusText = text.toString();
        adversarial = adversarialMegabyte();
    }

    static String adversarialMegabyte() {
        StringBuilder s = new StringBuilder(1 << 20);
        while (s.length() < (1 << 20)) {
            s.append("9".repeat(5000)).append(' ').append("@".repeat(3000)).append(" a@b@c@d.e ")
                    .append("1.2.3.4.5.6.7.8.".repeat(300)).append(' ').append("...@...".repeat(200)).append(' ');
        }
        s.setLength(1 << 20);
        return s.toString();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public List<Detection> corpusLikeText() {
        return engine.detect(corpusText);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public List<Detection> adversarialMegabyteScan() {
        return engine.detect(adversarial);
    }
}
