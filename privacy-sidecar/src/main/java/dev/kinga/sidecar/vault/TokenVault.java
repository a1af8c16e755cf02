package dev.kinga.sidecar.vault;

import dev.kinga.sidecar.keys.HashKey;
import dev.kinga.sidecar.keys.KeyEncryptionKeys;
import dev.kinga.sidecar.pii.model.EntityType;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The token vault: envelope encryption (a data key per entry, wrapped by the active KEK), values
 * bound to their row, and the two token schemes of {@link TokenScheme}.
 */
@ApplicationScoped
public class TokenVault {

    private static final Logger LOG = Logger.getLogger(TokenVault.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    EntityManager em;

    @Inject
    KeyEncryptionKeys keks;

    @Inject
    HashKey hashKey;

    /**
     * A token for the value. Deterministic tokens are found again by a MAC under the domain's own
     * lookup key; when two requests create the same one at once, the database's unique constraint
     * lets one insert win and the other reads the winner's token.
     */
    public String tokenize(EntityType type, String value, TokenScheme scheme, String domain) {
        return tokenize(type, value, scheme, domain, null);
    }

    /**
     * @param subjectId the data subject the value belongs to (Keycloak user id), or null; a
     *                  deterministic token for a subject is that subject's own (another person's
     *                  same value gets another token), so shredding one person touches no one else
     */
    public String tokenize(EntityType type, String value, TokenScheme scheme, String domain, String subjectId) {
        if (scheme == TokenScheme.RANDOM) {
            return QuarkusTransaction.requiringNew().call(() -> insert(type, value, TokenScheme.RANDOM, null, null, subjectId));
        }
        String mac = lookupMac(domain, type, subjectId == null ? value : value + "\u0000subject\u0000" + subjectId);
        Optional<String> existing = QuarkusTransaction.requiringNew().call(() -> findByMac(mac));
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return QuarkusTransaction.requiringNew().call(() -> insert(type, value, TokenScheme.DETERMINISTIC, domain, mac, subjectId));
        } catch (RuntimeException raced) {
            // Another request inserted the same value first (unique value_mac): its token is the answer.
            return QuarkusTransaction.requiringNew().call(() -> findByMac(mac)).orElseThrow(() -> raced);
        }
    }

    /** What the vault holds for these tokens; the caller's transaction also records who asked. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Opened open(List<String> tokens) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        List<String> shredded = new ArrayList<>();
        for (String token : tokens) {
            if (values.containsKey(token) || unknown.contains(token) || unreadable.contains(token) || shredded.contains(token)) {
                continue;
            }
            VaultEntry entry = em.find(VaultEntry.class, token);
            if (entry == null) {
                unknown.add(token);
                continue;
            }
            if (entry.shreddedAt != null) {
                shredded.add(token);
                continue;
            }
            Optional<String> value = plaintext(entry);
            if (value.isPresent()) {
                values.put(token, value.get());
            } else {
                unreadable.add(token);
            }
        }
        if (!unreadable.isEmpty()) {
            LOG.errorf("%d vault entr%s did not open: a KEK that is not configured, or rows changed in the database",
                    unreadable.size(), unreadable.size() == 1 ? "y" : "ies");
        }
        return new Opened(values, unknown, unreadable, shredded, 0);
    }

    /**
     * Values found, tokens the vault does not know, entries that did not open (missing KEK or
     * tampered row), entries shredded when their subject was erased, and the sequence number of
     * the audit record of this opening.
     */
    public record Opened(Map<String, String> values, List<String> unknown, List<String> unreadable, List<String> shredded,
                         long auditSeq) {
        Opened recordedAs(long seq) {
            return new Opened(values, unknown, unreadable, shredded, seq);
        }
    }

    /**
     * Crypto-shredding for an erased person: the data keys and ciphertexts of every value
     * tokenized for them are destroyed (the KEK never wrapped anything else of theirs), the
     * token rows stay so that detokenizing says "erased", not "unknown".
     * @return how many values were shredded
     */
    @Transactional
    public int shred(String subjectId) {
        // The lookup MAC and the subject go too: no guess of the value can find the token again, and nothing ties it to anyone.
        return em.createQuery("update VaultEntry t set t.wrappedKey = null, t.kekId = null, t.ciphertext = '', t.valueMac = null,"
                        + " t.subjectId = null, t.shreddedAt = :now where t.subjectId = :subject and t.shreddedAt is null")
                .setParameter("now", Instant.now()).setParameter("subject", subjectId).executeUpdate();
    }

    /** The tokens made for a person (for their export): token and type, never the value. */
    public List<Object[]> tokensOf(String subjectId) {
        return em.createQuery("select t.token, t.entityType, t.createdAt from VaultEntry t where t.subjectId = :subject"
                + " and t.shreddedAt is null order by t.createdAt", Object[].class).setParameter("subject", subjectId).getResultList();
    }

    /** The entry's value, if its data key unwraps and its ciphertext opens for this very row. */
    Optional<String> plaintext(VaultEntry entry) {
        if (entry.legacy()) {
            return keks.openLegacy(entry.ciphertext).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
        }
        if (entry.wrappedKey == null || entry.kekId == null) {
            return Optional.empty();
        }
        return keks.unwrap(entry.kekId, entry.wrappedKey, entry.token)
                .flatMap(dek -> KeyEncryptionKeys.open(new SecretKeySpec(dek, "AES"), Base64.getDecoder().decode(entry.ciphertext),
                        entry.binding()))
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    /** Seals a value into the entry under a fresh data key wrapped by the active KEK. */
    void seal(VaultEntry entry, String value) {
        byte[] dek = KeyEncryptionKeys.newDataKey();
        entry.ciphertext = Base64.getEncoder().encodeToString(
                KeyEncryptionKeys.seal(new SecretKeySpec(dek, "AES"), value.getBytes(StandardCharsets.UTF_8), entry.binding()));
        entry.kekId = keks.activeId();
        entry.wrappedKey = keks.wrap(dek, entry.token);
    }

    private String insert(EntityType type, String value, TokenScheme scheme, String domain, String mac, String subjectId) {
        VaultEntry entry = new VaultEntry();
        entry.subjectId = subjectId;
        entry.token = newToken(type);
        entry.entityType = type.name();
        entry.scheme = scheme.name().toLowerCase();
        entry.domain = domain;
        entry.valueMac = mac;
        entry.createdAt = Instant.now();
        seal(entry, value);
        em.persist(entry);
        em.flush();
        return entry.token;
    }

    private Optional<String> findByMac(String mac) {
        return em.createQuery("select t.token from VaultEntry t where t.valueMac = :mac and t.shreddedAt is null", String.class)
                .setParameter("mac", mac).getResultStream().findFirst();
    }

    /** The lookup MAC: a key per domain (derived from the hash key, never the encryption keys), over type and value. */
    private String lookupMac(String domain, EntityType type, String value) {
        byte[] domainKey = hashKey.derive("vault-lookup\u0000" + domain);
        return HexFormat.of().formatHex(HashKey.hmac(domainKey, type.name() + "\u0000" + value));
    }

    /** {@code tok_<type>_} and 128 random bits. */
    private static String newToken(EntityType type) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "tok_" + type.name().toLowerCase() + "_" + HexFormat.of().formatHex(bytes);
    }
}
