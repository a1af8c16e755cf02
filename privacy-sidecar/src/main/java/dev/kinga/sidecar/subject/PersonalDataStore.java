package dev.kinga.sidecar.subject;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * A store of the sidecar's own that holds something about a person (besides consents and
 * tokens, which the request worker handles itself): it puts its part in the person's export and
 * erases or anonymises it with them. Implementations are CDI beans; the worker finds them all.
 */
public interface PersonalDataStore {

    /** The key of this store's part in the archive ({@code parts.sidecar.<name>}) and in the receipt. */
    String name();

    /** What the store holds about the person, as it goes into the archive (an array or object). */
    JsonNode export(String subjectId);

    /** Erases (or anonymises) what the store holds about the person; counts of what was done, for the receipt. */
    Map<String, Integer> erase(String subjectId);
}
