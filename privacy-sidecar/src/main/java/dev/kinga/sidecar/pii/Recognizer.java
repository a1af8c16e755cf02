package dev.kinga.sidecar.pii;

import java.util.List;

/**
 * Finds one kind of entity. Implementations must run in time linear in the text length
 * whatever the input (no backtracking regular expressions over unbounded input).
 */
public interface Recognizer {

    void find(String text, List<Detection> out);
}
