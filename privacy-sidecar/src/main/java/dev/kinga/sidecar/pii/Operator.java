package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What anonymization does to one detected value. Text operators and the record rules that work on
 * detected values share this one vocabulary: {@code redact} removes the value, {@code replace}
 * writes {@code <TYPE>} (or a given value), {@code mask}, {@code hash}, {@code tokenize} and
 * {@code generalize} as documented in docs/http-api.md.
 */
@FunctionalInterface
interface Operator {

    String apply(EntityType type, String value);

    /** Removes the value. */
    Operator REDACT = (type, value) -> "";

    /** Writes {@code <TYPE>} in the value's place. */
    Operator REPLACE = (type, value) -> "<" + type.name() + ">";

    /** Dates of birth to their year; anything else to {@code <TYPE>}. */
    Operator GENERALIZE = new Operator() {
        private final Pattern year = Pattern.compile("(?<!\\d)(\\d{4})(?!\\d)");

        @Override
        public String apply(EntityType type, String value) {
            Matcher m = year.matcher(value);
            return type == EntityType.DATE_OF_BIRTH && m.find() ? m.group(1) : "<" + type.name() + ">";
        }
    };

    static Operator replaceWith(String replacement) {
        return replacement == null ? REPLACE : (type, value) -> replacement;
    }

    /** Masks letters and digits (separators stay, so the shape is readable), from the start or the end. */
    static Operator mask(char masking, Integer charsToMask, boolean fromEnd) {
        return (type, value) -> {
            int count = charsToMask == null ? value.length() : Math.min(charsToMask, value.length());
            StringBuilder masked = new StringBuilder(value);
            int done = 0;
            for (int k = 0; k < value.length() && done < count; k++) {
                int i = fromEnd ? value.length() - 1 - k : k;
                if (Character.isLetterOrDigit(value.charAt(i))) {
                    masked.setCharAt(i, masking);
                    done++;
                }
            }
            return masked.toString();
        };
    }

    /** {@code text} with each detection of a {@code chosen} type rewritten by this operator. */
    default String rewrite(String text, List<Detection> detections, Predicate<EntityType> chosen) {
        StringBuilder out = new StringBuilder(text.length());
        int cursor = 0;
        for (Detection d : detections) {
            if (chosen.test(d.type())) {
                out.append(text, cursor, d.start()).append(apply(d.type(), text.substring(d.start(), d.end())));
                cursor = d.end();
            }
        }
        return out.append(text, cursor, text.length()).toString();
    }
}
