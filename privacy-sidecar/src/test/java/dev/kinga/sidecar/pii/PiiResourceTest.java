package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.security.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class PiiResourceTest {

    private static Response post(String path, String role, Object body) {
        return RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + TestTokens.asRole(role))
                .body(body).post("/api/v1/pii/" + path);
    }

    @Test
    void detectAnswersTheContract() {
        String text = "😀 Dr. Amina Odhiambo, DOB: 1971-02-05, call +254 712 345 678";
        Response r = post("detect", "auditor", Map.of("text", text));
        assertEquals(200, r.statusCode(), r.asString());
        List<Map<String, Object>> entities = r.jsonPath().getList("entities");
        assertEquals(List.of("PERSON", "DATE_OF_BIRTH", "PHONE"), entities.stream().map(e -> e.get("type")).toList());
        Map<String, Object> phone = entities.get(2);
        assertEquals("+254 712 345 678", text.substring((Integer) phone.get("start"), (Integer) phone.get("end")));
        assertTrue(((Number) phone.get("score")).doubleValue() > 0.5);
    }

    @Test
    void everyOperatorDoesWhatItSays() {
        String text = "Mail amina@example.com, call 0712 345 678, DOB: 3 May 1963, card 4111 1111 1111 1111.";
        Map<String, Object> operators = Map.of(
                "EMAIL", Map.of("type", "hash"),
                "PHONE", Map.of("type", "mask", "charsToMask", 4, "fromEnd", true, "maskingChar", "#"),
                "DATE_OF_BIRTH", Map.of("type", "generalize"),
                "CREDIT_CARD", Map.of("type", "redact"));
        Response r = post("anonymize", "privacy-officer", Map.of("text", text, "operators", operators));
        assertEquals(200, r.statusCode(), r.asString());
        String out = r.jsonPath().getString("text");
        assertFalse(out.contains("amina@example.com"));
        assertTrue(out.matches("Mail [0-9a-f]{64}, call 0712 34# ###, DOB: 1963, card \\."), out);

        Response again = post("anonymize", "privacy-officer", Map.of("text", "amina@example.com", "operators", operators));
        assertEquals(out.substring(5, 69), again.jsonPath().getString("text"), "hash is stable for one key");
        Response guess = post("anonymize", "security-officer", Map.of("text", "amina@example.com", "operators", operators));
        assertEquals(403, guess.statusCode(), "hash confirms guesses: it needs pii:tokenize-deterministic");
        assertTrue(guess.jsonPath().getString("error_description").contains("pii:tokenize-deterministic"), guess.asString());

        Response nfd = post("anonymize", "security-officer", Map.of("text", "Mrs. Zo\u0308e Wanjiru, MAIL AMINA@EXAMPLE.COM"));
        assertEquals("Mrs. <PERSON>, MAIL <EMAIL>", nfd.jsonPath().getString("text"), "decomposed and upper-case text leaves nothing behind");

        Response defaults = post("anonymize", "privacy-officer", Map.of("text", text));
        assertEquals("Mail <EMAIL>, call <PHONE>, DOB: <DATE_OF_BIRTH>, card <CREDIT_CARD>.", defaults.jsonPath().getString("text"));
    }

    @Test
    void structuredRecordsFollowTheirFieldRules() {
        Map<String, Object> document = Map.of(
                "client", Map.of("name", "Amina Odhiambo", "age", 34, "dob", "1971-02-05"),
                "sessions", List.of(Map.of("notes", "Call 0712 345 678 or amina@example.com; feels better"),
                        Map.of("notes", "No contact details")));
        Map<String, Object> rules = Map.of(
                "client.name", Map.of("type", "pseudonym", "keepInitial", true),
                "client.age", Map.of("type", "generalize", "bins", List.of(0, 18, 30, 50, 65, 100)),
                "client.dob", Map.of("type", "generalize"),
                "sessions.notes", Map.of("type", "replace", "entities", List.of("PHONE", "EMAIL")));
        Response r = post("anonymize", "privacy-officer", Map.of("document", document, "fieldRules", rules));
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.jsonPath().getString("document.client.name").matches("A\\. [0-9a-f]{32}"), r.asString());
        assertEquals("30-49", r.jsonPath().getString("document.client.age"));
        assertEquals("1971", r.jsonPath().getString("document.client.dob"));
        assertEquals("Call <PHONE> or <EMAIL>; feels better", r.jsonPath().getString("document.sessions[0].notes"));
        assertEquals("No contact details", r.jsonPath().getString("document.sessions[1].notes"));

        Response redacted = post("anonymize", "privacy-officer", Map.of("document", document,
                "fieldRules", Map.of("sessions.notes", Map.of("type", "redact", "entities", List.of("PHONE")))));
        assertEquals("Call  or amina@example.com; feels better", redacted.jsonPath().getString("document.sessions[0].notes"),
                "redact removes the value in records as in text: one vocabulary");

        Response again = post("anonymize", "privacy-officer", Map.of("document", document, "fieldRules", rules));
        assertEquals(r.jsonPath().getString("document.client.name"), again.jsonPath().getString("document.client.name"),
                "pseudonyms are stable");
        Response bad = post("anonymize", "privacy-officer", Map.of("document", document,
                "fieldRules", Map.of("client.age", Map.of("type", "blur"))));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.jsonPath().getString("error_description").startsWith("fieldRules.client.age.type"), bad.asString());
    }

    @Test
    void randomTokensByDefaultDeterministicOnlyWithinADomain() {
        Map<String, Object> random = Map.of("EMAIL", Map.of("type", "tokenize"));
        String first = post("anonymize", "security-officer", Map.of("text", "amina@example.com", "operators", random))
                .jsonPath().getString("text");
        String second = post("anonymize", "privacy-officer", Map.of("text", "amina@example.com", "operators", random))
                .jsonPath().getString("text");
        assertTrue(first.matches("tok_email_[0-9a-f]{32}"), first);
        assertNotEquals(first, second, "random tokens do not reveal that two values are equal");

        Map<String, Object> research = Map.of("EMAIL", Map.of("type", "tokenize", "scheme", "deterministic", "domain", "research"));
        Map<String, Object> care = Map.of("EMAIL", Map.of("type", "tokenize", "scheme", "deterministic", "domain", "care-records"));
        String inResearch = post("anonymize", "privacy-officer", Map.of("text", "amina@example.com", "operators", research))
                .jsonPath().getString("text");
        assertEquals(inResearch, post("anonymize", "privacy-officer", Map.of("text", "amina@example.com", "operators", research))
                .jsonPath().getString("text"), "deterministic: the same value keeps its token within its domain");
        assertNotEquals(inResearch, post("anonymize", "privacy-officer", Map.of("text", "amina@example.com", "operators", care))
                .jsonPath().getString("text"), "domains do not link");
        assertNotEquals(inResearch, post("anonymize", "privacy-officer", Map.of("text", "other@example.com", "operators", research))
                .jsonPath().getString("text"));

        Response guess = post("anonymize", "security-officer", Map.of("text", "amina@example.com", "operators", research));
        assertEquals(403, guess.statusCode(), "who may not detokenize may not test guesses with deterministic tokens");
        Response unknownDomain = post("anonymize", "privacy-officer", Map.of("text", "a@b.example", "operators",
                Map.of("EMAIL", Map.of("type", "tokenize", "scheme", "deterministic", "domain", "everything"))));
        assertEquals(400, unknownDomain.statusCode());
        assertTrue(unknownDomain.jsonPath().getString("error_description").contains("research"), unknownDomain.asString());
        assertEquals(400, post("anonymize", "privacy-officer", Map.of("text", "a@b.example", "operators",
                Map.of("EMAIL", Map.of("type", "tokenize", "scheme", "sometimes")))).statusCode());

        Response back = post("detokenize", "privacy-officer", Map.of("tokens", List.of(first, second, inResearch, "tok_email_unknown"),
                "purpose", "Subject access request 2026-118"));
        assertEquals(200, back.statusCode(), back.asString());
        assertEquals("amina@example.com", back.jsonPath().getString("values." + first));
        assertEquals("amina@example.com", back.jsonPath().getString("values." + second));
        assertEquals("amina@example.com", back.jsonPath().getString("values." + inResearch));
        assertEquals(List.of("tok_email_unknown"), back.jsonPath().getList("unknown"));
        assertEquals(403, post("detokenize", "security-officer", Map.of("tokens", List.of(first), "purpose", "curious")).statusCode());
    }

    @Test
    void kAnonymityFindsTheSmallClasses() {
        List<Map<String, Object>> rows = List.of(
                Map.of("age", "30-50", "county", "Nairobi", "diagnosis", "A"),
                Map.of("age", "30-50", "county", "Nairobi", "diagnosis", "B"),
                Map.of("age", "18-30", "county", "Kisumu", "diagnosis", "C"));
        Response r = post("k-anonymity", "privacy-officer", Map.of("rows", rows, "quasiIdentifiers", List.of("age", "county"), "k", 2));
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(1, r.jsonPath().getInt("k"));
        assertEquals(2, r.jsonPath().getInt("equivalenceClasses"));
        assertEquals(List.of(2), r.jsonPath().getList("violatingRows"));
    }

    /** A raw socket: the server answers 413 while the client is still sending, and closes. */
    /** The status line and headers of a POST whose body is JSON but that names no Content-Type (RestAssured always sends one). */
    private static String rawPostWithoutContentType(String token, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/pii/detect HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static int statusOfTenMegabytePost(String token) throws Exception {
        int length = 10 * 1024 * 1024;
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/pii/detect HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            try {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'a');
                for (int sent = 0; sent < length; sent += chunk.length) {
                    out.write(chunk);
                }
                out.flush();
            } catch (IOException closedEarly) {
                // expected: the server refuses the body
            }
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void badInputGetsAClearFourHundredNeverAFiveHundred() throws Exception {
        String token = TestTokens.asRole("privacy-officer");
        Map<String, String> cases = Map.of(
                "{\"text\": ", "invalid JSON",
                "{\"text\": null}", "null text",
                "{}", "missing text",
                "{\"text\":\"a\",\"operators\":{\"EMAIL\":{\"type\":\"blur\"}}}", "unknown operator",
                "{\"text\":\"a\",\"operators\":{\"NOSE\":{\"type\":\"redact\"}}}", "unknown type",
                "{\"text\":\"bad \\ud800 surrogate\"}", "lone surrogate",
                "[1,2,3]", "wrong shape");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String path = c.getValue().contains("operator") || c.getValue().contains("type") ? "anonymize" : "detect";
            Response r = RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + token)
                    .body(c.getKey()).post("/api/v1/pii/" + path);
            assertEquals(400, r.statusCode(), c.getValue() + ": " + r.asString());
            assertEquals("invalid_request", r.jsonPath().getString("error"), c.getValue());
        }
        Response named = post("anonymize", "privacy-officer", Map.of("text", "a", "operators", Map.of("EMAIL", Map.of("type", "blur"))));
        assertTrue(named.jsonPath().getString("error_description").startsWith("operators.EMAIL.type"), named.asString());

        Response wrongType = RestAssured.given().contentType("text/plain").header("Authorization", "Bearer " + token)
                .body("text").post("/api/v1/pii/detect");
        assertEquals(415, wrongType.statusCode());
        assertEquals("unsupported_media_type", wrongType.jsonPath().getString("error"));
        assertTrue(rawPostWithoutContentType(token, "{\"text\":\"Call +254 712 345 678\"}").startsWith("HTTP/1.1 415"),
                "JSON without a Content-Type is not read as JSON anyway");

        assertEquals(413, statusOfTenMegabytePost(token));
        Response tooLarge = RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + token)
                .body("{\"text\":\"" + "a".repeat(1024 * 1024 + 10) + "\"}").post("/api/v1/pii/detect");
        assertEquals(413, tooLarge.statusCode());
        assertEquals("request_too_large", tooLarge.jsonPath().getString("error"), "413 carries the JSON error body");

        for (String duplicate : List.of("{\"text\":\"a\",\"text\":\"b\"}", "{\"text\":\"a\",\"operators\":{\"EMAIL\":{\"type\":\"redact\","
                + "\"type\":\"hash\"}}}")) {
            Response r = RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + token)
                    .body(duplicate).post("/api/v1/pii/anonymize");
            assertEquals(400, r.statusCode(), duplicate + ": " + r.asString());
            assertEquals("invalid_request", r.jsonPath().getString("error"));
        }
    }
}
