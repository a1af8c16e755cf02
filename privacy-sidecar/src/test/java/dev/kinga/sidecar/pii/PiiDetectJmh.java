package dev.kinga.sidecar.pii;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * JMH: the engine on mixed realistic text and on 1 MB adversarial inputs, one per shape that
 * makes some recognizer work (run by {@link PiiThroughputBenchmark}).
 * <p>
 * Mixed text: every document of both labelled corpora (dense PII: notes, chats, signatures,
 * forms) followed by as many bytes of counselling prose with the occasional name, phone number
 * and e-mail address, as most real text is mostly words.
 */
public class PiiDetectJmh {

    static final String CORPUS_PROPERTY = "kinga.pii.corpus";

    /** The adversarial shapes: each repeats a trigger of some recognizer until 1 MB. */
    static final List<String> SHAPES = List.of("digits", "atSigns", "dots", "titles", "dates", "ibanPrefixes",
            "hexColons", "capitalisedNames", "phoneGroups", "cardGroups", "introducers", "apostrophes");

    @State(Scope.Benchmark)
    public static class Mixed {
        final PiiEngine engine = new PiiEngine();
        String text;

        @Setup
        public void load() throws Exception {
            text = mixedText(Path.of(System.getProperty(CORPUS_PROPERTY, "src/test/resources/pii-corpus")));
        }
    }

    @State(Scope.Benchmark)
    public static class Adversarial {
        final PiiEngine engine = new PiiEngine();
        String text;

        @Param({"digits"})
        public String shape;

        @Setup
        public void load() {
            text = adversarialMegabyte(shape);
        }
    }

    static String mixedText(Path corpusFolder) throws Exception {
        ObjectMapper json = new ObjectMapper();
        StringBuilder dense = new StringBuilder();
        for (String file : List.of("dev.jsonl", "free-text.jsonl")) {
            for (String line : Files.readAllLines(corpusFolder.resolve(file), StandardCharsets.UTF_8)) {
                dense.append(json.readTree(line).path("text").asText()).append("\n\n");
            }
        }
        return dense + prose(dense.length());
    }

    /** Counselling prose: sentences of ordinary words, now and then a name, a phone number or an address. */
    static String prose(int length) {
        String[] sentences = {
                "The client described feeling anxious before exams and said sleep had improved this week.",
                "We reviewed the safety plan together and agreed on two coping strategies for the evenings.",
                "She reported that work pressure was easing, although her mother remains unwell in the village.",
                "Homework for next session: keep a mood diary and practise the breathing exercise twice a day.",
                "He was calm, engaged and able to reflect on the argument without blaming himself.",
                "No risk indicators today; the next appointment is on Thursday at ten in the morning.",
                "Discussed the medication side effects and encouraged a follow-up with the clinic in Nakuru.",
                "Mteja alieleza kwamba usingizi umeimarika na anahisi vizuri zaidi kuliko wiki iliyopita.",
        };
        String[] sprinkles = {" Amina Wanjiru joined the call.", " Call 0712 345 678 if anything changes.",
                " Her e-mail is amina.w@example.com for the summary.", " Thanks, David."};
        Random random = new Random(7);
        StringBuilder s = new StringBuilder(length + 200);
        while (s.length() < length) {
            s.append(sentences[random.nextInt(sentences.length)]).append(' ');
            if (random.nextInt(12) == 0) {
                s.append(sprinkles[random.nextInt(sprinkles.length)]).append(' ');
            }
            if (random.nextInt(6) == 0) {
                s.append("\n\n");
            }
        }
        return s.toString();
    }

    static String adversarialMegabyte(String shape) {
        String unit = switch (shape) {
            case "digits" -> "9".repeat(5000) + " ";
            case "atSigns" -> "@".repeat(3000) + " a@b@c@d.e ...@...@... ";
            case "dots" -> "1.2.3.4.5.6.7.8.".repeat(300) + " ";
            case "titles" -> "Dr. Dr Mr. Mrs Rev. Dr. ";
            case "dates" -> "DOB 12/12/12/12/12/12 born 31-02-1990 date of birth 1963-05- ";
            case "ibanPrefixes" -> "GB82 GB82 WEST gb82 DE89 3704 0044 ";
            case "hexColons" -> "fe80:a:b:c:d:e:f:1:2:3::4::5 ab:cd: ";
            case "capitalisedNames" -> "Amina Wanjiru Grace Will May Victoria John F. ";
            case "phoneGroups" -> "+254 (0) 712 345 678 0712-345-678 (415) 555 ";
            case "cardGroups" -> "4111 1111 1111 1111 1111 1111 5500 ";
            case "introducers" -> "my name is hi dear Thanks, with Client name: ";
            case "apostrophes" -> "O'Brien's Thiong'o's ''''' 's ";
            default -> throw new IllegalArgumentException(shape);
        };
        StringBuilder s = new StringBuilder(1 << 20);
        while (s.length() < (1 << 20)) {
            s.append(unit);
        }
        s.setLength(1 << 20);
        return s.toString();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public List<Detection> mixedRealisticText(Mixed state) {
        return state.engine.detect(state.text);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public List<Detection> adversarialMegabyteScan(Adversarial state) {
        return state.engine.detect(state.text);
    }
}
