package dev.kinga.sidecar.vault;

import dev.kinga.sidecar.security.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vault as stored: envelope encryption, values bound to their rows, safe under concurrent tokenization. */
@QuarkusTest
@QuarkusTestResource(TestTokens.class)
class VaultTest {

    @Inject
    EntityManager em;

    static String tokenize(String value, Map<String, Object> operator) {
        Response r = RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + TestTokens.asRole("privacy-officer"))
                .body(Map.of("text", value, "operators", Map.of("EMAIL", operator))).post("/api/v1/pii/anonymize");
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath().getString("text");
    }

    static Response detokenize(List<String> tokens) {
        return RestAssured.given().contentType("application/json").header("Authorization", "Bearer " + TestTokens.asRole("privacy-officer"))
                .body(Map.of("tokens", tokens, "purpose", "vault test")).post("/api/v1/pii/detokenize");
    }

    /** The entry as stored now (detached: later changes in the test do not write back). */
    static VaultEntry row(EntityManager em, String token) {
        return QuarkusTransaction.requiringNew().call(() -> {
            VaultEntry e = em.find(VaultEntry.class, token);
            em.detach(e);
            return e;
        });
    }

    private VaultEntry row(String token) {
        return row(em, token);
    }

    @Test
    void eachValueIsSealedUnderItsOwnDataKeyWrappedByTheActiveKek() {
        String token = tokenize("envelope@example.com", Map.of("type", "tokenize"));
        VaultEntry entry = row(token);
        assertEquals("k1", entry.kekId);
        assertNotNull(entry.wrappedKey);
        assertEquals("random", entry.scheme);
        assertNull(entry.valueMac, "random tokens cannot be found from their value");
        assertFalse(entry.ciphertext.contains("envelope"), "sealed");
        assertFalse(new String(java.util.Base64.getDecoder().decode(entry.ciphertext)).contains("envelope"), "sealed");

        String deterministic = tokenize("envelope@example.com", Map.of("type", "tokenize", "scheme", "deterministic", "domain", "research"));
        VaultEntry d = row(deterministic);
        assertEquals("deterministic", d.scheme);
        assertEquals("research", d.domain);
        assertEquals(64, d.valueMac.length());
        assertFalse(d.wrappedKey.equals(entry.wrappedKey), "a data key per entry");
    }

    @Test
    void rowsSwappedInTheDatabaseDoNotOpen() {
        String a = tokenize("alice@example.com", Map.of("type", "tokenize"));
        String b = tokenize("bob@example.com", Map.of("type", "tokenize"));
        QuarkusTransaction.requiringNew().run(() -> {
            VaultEntry ea = em.find(VaultEntry.class, a);
            VaultEntry eb = em.find(VaultEntry.class, b);
            String ciphertext = ea.ciphertext;
            String wrapped = ea.wrappedKey;
            ea.ciphertext = eb.ciphertext;
            ea.wrappedKey = eb.wrappedKey;
            eb.ciphertext = ciphertext;
            eb.wrappedKey = wrapped;
        });
        Response r = detokenize(List.of(a, b));
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(Set.of(a, b), new HashSet<>(r.jsonPath().getList("unreadable", String.class)));
        assertFalse(r.asString().contains("alice@") || r.asString().contains("bob@"), r.asString());

        // A row's own ciphertext no longer opens when what it is bound to changes, or when it poses as a legacy entry.
        for (java.util.function.Consumer<VaultEntry> tamper : List.<java.util.function.Consumer<VaultEntry>>of(
                e -> e.entityType = "PHONE",
                e -> e.wrappedKey = null,
                e -> e.kekId = null,
                e -> e.scheme = "deterministic")) {
            String t = tokenize("erin@example.com", Map.of("type", "tokenize"));
            QuarkusTransaction.requiringNew().run(() -> tamper.accept(em.find(VaultEntry.class, t)));
            Response tampered = detokenize(List.of(t));
            assertEquals(List.of(t), tampered.jsonPath().getList("unreadable", String.class), tampered.asString());
        }
        Map<String, Object> research = Map.of("type", "tokenize", "scheme", "deterministic", "domain", "research");
        String f = tokenize("frank@example.com", research);
        String g = tokenize("grace@example.com", research);
        String macF = row(f).valueMac;
        String macG = row(g).valueMac;
        QuarkusTransaction.requiringNew().run(() -> em.find(VaultEntry.class, f).valueMac = null);
        QuarkusTransaction.requiringNew().run(() -> em.find(VaultEntry.class, g).valueMac = macF);
        QuarkusTransaction.requiringNew().run(() -> em.find(VaultEntry.class, f).valueMac = macG);
        assertEquals(Set.of(f, g), new HashSet<>(detokenize(List.of(f, g)).jsonPath().getList("unreadable", String.class)),
                "swapped lookup MACs are caught: neither entry opens");

        // Only the value's ciphertext moved (its data key stays): still bound to its row, still refused.
        String c = tokenize("carol@example.com", Map.of("type", "tokenize"));
        String d = tokenize("dave@example.com", Map.of("type", "tokenize"));
        QuarkusTransaction.requiringNew().run(() -> em.find(VaultEntry.class, c).ciphertext = em.find(VaultEntry.class, d).ciphertext);
        assertEquals(List.of(c), detokenize(List.of(c)).jsonPath().getList("unreadable", String.class));
    }

    @Test
    void concurrentRequestsForTheSameNewValueGetTheSameToken() throws Exception {
        Map<String, Object> operator = Map.of("type", "tokenize", "scheme", "deterministic", "domain", "care-records");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                String value = "race" + round + "@example.com";
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Callable<String> call = () -> {
                        start.await();
                        return tokenize(value, operator);
                    };
                    results.add(pool.submit(call));
                }
                start.countDown();
                Set<String> tokens = new HashSet<>();
                for (Future<String> f : results) {
                    tokens.add(f.get());
                }
                assertEquals(1, tokens.size(), "one token for one value: " + tokens);
                long rows = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                        "select count(t) from VaultEntry t where t.token = :t", Long.class).setParameter("t", tokens.iterator().next())
                        .getSingleResult());
                assertEquals(1, rows);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aThousandTokensAreRevealedAndRecordedWithoutOverflow() {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            tokens.add("tok_email_" + String.format("%032x", i));
        }
        tokens.set(0, tokenize("many@example.com", Map.of("type", "tokenize")));
        Response r = detokenize(tokens);
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("many@example.com", r.jsonPath().getString("values." + tokens.get(0)));
        assertEquals(999, r.jsonPath().getList("unknown").size());
        long seq = r.jsonPath().getLong("auditSeq");
        Response record = RestAssured.given().header("Authorization", "Bearer " + TestTokens.asRole("auditor"))
                .get("/api/v1/audit/records?from=" + seq + "&limit=1");
        assertEquals(200, record.statusCode(), record.asString());
        assertEquals(1000, record.jsonPath().getList("[0].details.tokenIds").size());
        assertEquals(1000, record.jsonPath().getInt("[0].details.tokenCount"));
        assertEquals(400, detokenize(new ArrayList<>(java.util.Collections.nCopies(1001, "tok_email_x"))).statusCode(),
                "more than the API accepts");
        for (String bad : List.of("tok_email_\u0000", "tok email", "tok_é", "")) {
            assertEquals(400, detokenize(List.of(bad)).statusCode(), bad);
        }
    }
}
