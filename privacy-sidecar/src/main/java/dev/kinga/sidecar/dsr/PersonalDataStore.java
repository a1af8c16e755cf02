package dev.kinga.sidecar.dsr;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * A store of the sidecar's own that holds something about a person (consents, vault tokens, breach
 * notices, security alerts): it puts its part in the person's export and erases or anonymises it
 * with them. Implementations are CDI beans in the capability that owns the data; the request
 * worker loops over them all and names none.
 */
public interface PersonalDataStore {

    /** The key of this store's part in the archive ({@code parts.sidecar.<name>}) and in the receipt. */
    String name();

    /** What the store holds about the person, as it goes into the archive (an array or object). */
    JsonNode export(String subjectId);

    /** What the export receipt says of this store's part: counts only, never the data. Nothing unless a store says. */
    default Map<String, Integer> exported(JsonNode part) {
        return Map.of();
    }

    /** Erases (or anonymises) what the store holds about the person; counts of what was done, for the receipt. */
    Map<String, Integer> erase(String subjectId);
}
