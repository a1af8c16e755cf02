package dev.kinga.sidecar.breach;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;

/** The JSON columns of an incident: its category lists and the translations of its notices. */
final class IncidentJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private IncidentJson() {
    }

    static List<String> list(String stored) {
        if (stored == null) {
            return null;
        }
        try {
            return JSON.readValue(stored, new TypeReference<List<String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored list is not JSON", e);
        }
    }

    static Map<String, Map<String, String>> translations(String stored) {
        if (stored == null) {
            return null;
        }
        try {
            return JSON.readValue(stored, new TypeReference<Map<String, Map<String, String>>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored translations are not JSON", e);
        }
    }

    static String write(Object value) {
        try {
            return value == null ? null : JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
