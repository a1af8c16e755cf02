package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import java.util.List;

/**
 * Finds one type of entity in a scanned text. Implementations look only at their trigger tokens
 * and bound the work per trigger, so every recognizer is linear in the text whatever the input.
 * Stateless and thread-safe: one instance serves every request.
 */
interface Recognizer {

    EntityType type();

    void find(Scan scan, List<Detection> out);
}
