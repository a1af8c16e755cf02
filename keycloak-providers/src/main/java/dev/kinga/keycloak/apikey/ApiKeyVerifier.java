package dev.kinga.keycloak.apikey;

import dev.kinga.keycloak.apikey.jpa.ApiKeyEntity;
import jakarta.persistence.EntityManager;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.List;

/**
 * Checks a presented key: format and checksum, look-up by prefix (cache, then database),
 * constant-time hash comparison, then revocation, expiry and address allow-list. The secret is
 * compared before any state is revealed, so a guessed prefix learns nothing. One instance per node.
 */
public final class ApiKeyVerifier {

    /** The key that was accepted, or the reason it was refused (with the key when it was found). */
    public record Verdict(KnownKey key, Rejection rejection, String prefix) {
        public boolean accepted() {
            return rejection == null;
        }
    }

    private final KeyCache cache;
    private final Peppers peppers;

    ApiKeyVerifier(KeyCache cache, Peppers peppers) {
        this.cache = cache;
        this.peppers = peppers;
    }

    public Verdict verify(KeycloakSession session, RealmModel realm, String presented, String clientIp) {
        ApiKeyFormat.Result parsed = ApiKeyFormat.parse(presented);
        if (!parsed.ok()) {
            return new Verdict(null, switch (parsed.malformed()) {
                case EMPTY -> Rejection.MISSING_KEY;
                case CHECKSUM -> Rejection.BAD_CHECKSUM;
                default -> Rejection.MALFORMED;
            }, null);
        }
        String prefix = parsed.parsed().prefix();
        KnownKey stored = lookup(session, prefix);
        if (stored == null || !stored.realmId().equals(realm.getId())) {
            return new Verdict(null, Rejection.UNKNOWN_KEY, prefix);
        }
        if (!peppers.hasher(session, realm).matches(presented, stored.secretHash())) {
            return new Verdict(stored, Rejection.WRONG_SECRET, prefix);
        }
        KnownKey key = RevocationMarkers.current(session, stored);
        if (key.revokedAt() != null) {
            return new Verdict(key, Rejection.REVOKED, prefix);
        }
        if (Time.currentTime() >= key.expiresAt()) {
            return new Verdict(key, Rejection.EXPIRED, prefix);
        }
        if (!key.allows(clientIp)) {
            return new Verdict(key, Rejection.ADDRESS_NOT_ALLOWED, prefix);
        }
        return new Verdict(key, null, prefix);
    }

    private KnownKey lookup(KeycloakSession session, String prefix) {
        KnownKey cached = cache.get(prefix);
        if (cached != null) {
            return cached;
        }
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        List<ApiKeyEntity> found = em.createNamedQuery("kingaApiKeyByPrefix", ApiKeyEntity.class)
                .setParameter("prefix", prefix).getResultList();
        if (found.isEmpty()) {
            return null;
        }
        KnownKey key = KnownKey.of(found.get(0));
        cache.put(key);
        return key;
    }
}
