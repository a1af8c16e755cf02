package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;

/**
 * One recognised entity: {@code start}/{@code end} are Java String indices (UTF-16 code
 * units) into the scanned text, end exclusive; {@code score} in [0, 1].
 */
public record Detection(EntityType type, int start, int end, double score) {

    public Detection {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("empty or negative span");
        }
    }

    public int length() {
        return end - start;
    }

    boolean overlaps(Detection other) {
        return start < other.end && other.start < end;
    }
}
