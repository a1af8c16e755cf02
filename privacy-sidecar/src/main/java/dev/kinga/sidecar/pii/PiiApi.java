package dev.kinga.sidecar.pii;

import java.util.List;
import java.util.Map;

/** Request and response bodies of /api/v1/pii. */
public final class PiiApi {

    private PiiApi() {
    }

    public record DetectRequest(String text) {
    }

    public record Entity(String type, int start, int end, double score) {
    }

    public record DetectResponse(List<Entity> entities) {
    }

    /**
     * @param type         redact, replace, mask, hash, tokenize or generalize
     * @param value        replace: the replacement (default {@code <TYPE>})
     * @param maskingChar  mask: the character (default '*')
     * @param charsToMask  mask: how many characters (default all)
     * @param fromEnd      mask: count from the end (default false)
     * @param scheme       tokenize: {@code random} (default, a new token every time) or {@code deterministic}
     * @param domain       tokenize, deterministic: the token domain (one of {@code kinga.pii.token-domains})
     */
    public record Operator(String type, String value, String maskingChar, Integer charsToMask, Boolean fromEnd,
                           String scheme, String domain) {
    }

    /** Either {@code text} (with {@code operators}) or {@code document} (with {@code fieldRules}). */
    /** @param subject the Keycloak user id of the person the text is about: tokens made are theirs, shredded when they are erased */
    public record AnonymizeRequest(String text, Map<String, Operator> operators, com.fasterxml.jackson.databind.JsonNode document,
                                   Map<String, RecordAnonymizer.FieldRule> fieldRules, String subject) {
    }

    /** Where each entity was in the input and what was done to it. */
    public record Anonymized(String type, int start, int end, String operator) {
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record AnonymizeResponse(String text, List<Anonymized> items, com.fasterxml.jackson.databind.JsonNode document) {
    }

    /** @param purpose why the values are needed (required, at most 500 characters); kept in the audit trail */
    public record DetokenizeRequest(List<String> tokens, String purpose) {
    }

    /**
     * @param unknown    tokens the vault does not hold
     * @param unreadable tokens whose entry did not open (its KEK is not configured, or the row was tampered with)
     */
    public record DetokenizeResponse(Map<String, String> values, List<String> unknown, List<String> unreadable, long auditSeq) {
    }

    public record KAnonymityRequest(List<Map<String, Object>> rows, List<String> quasiIdentifiers, Integer k) {
    }

    public record KAnonymityResponse(int k, int equivalenceClasses, List<Integer> violatingRows) {
    }
}
