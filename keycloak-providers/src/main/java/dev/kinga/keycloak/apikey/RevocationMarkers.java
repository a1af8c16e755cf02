package dev.kinga.keycloak.apikey;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;

import java.util.Map;

/**
 * Cluster-wide overrides of a key's stored state, kept in Keycloak's single-use object store
 * (the store Keycloak itself uses for revoked tokens: replicated to every node, so a read is
 * local). Written in the request that revokes or rotates a key, before it answers; read on
 * every use, so no node's cache accepts a key after its revocation. The database stays the
 * record; a marker lives until the key would have expired anyway.
 */
final class RevocationMarkers {

    private static final String PREFIX = "kinga-api-key:";
    private static final String REVOKED_AT = "revokedAt";
    private static final String EXPIRES_AT = "expiresAt";
    private static final long SLACK_SECONDS = 60;

    private RevocationMarkers() {
    }

    static void revoked(KeycloakSession session, KnownKey key, long revokedAt) {
        put(session, key, Map.of(REVOKED_AT, Long.toString(revokedAt), EXPIRES_AT, Long.toString(key.expiresAt())),
                key.expiresAt());
    }

    static void expiresEarlier(KeycloakSession session, KnownKey key, long expiresAt) {
        put(session, key, Map.of(EXPIRES_AT, Long.toString(expiresAt)), key.expiresAt());
    }

    /** The key as it stands now: the cached snapshot with any marker applied. */
    static KnownKey current(KeycloakSession session, KnownKey cached) {
        Map<String, String> marker = session.singleUseObjects().get(PREFIX + cached.id());
        if (marker == null) {
            return cached;
        }
        long expiresAt = Math.min(cached.expiresAt(), Long.parseLong(marker.getOrDefault(EXPIRES_AT, Long.toString(cached.expiresAt()))));
        Long revokedAt = cached.revokedAt() != null ? cached.revokedAt()
                : marker.containsKey(REVOKED_AT) ? Long.valueOf(marker.get(REVOKED_AT)) : null;
        return new KnownKey(cached.id(), cached.prefix(), cached.realmId(), cached.clientId(), cached.secretHash(),
                cached.name(), cached.scopes(), cached.allowedCidrs(), expiresAt, revokedAt);
    }

    private static void put(KeycloakSession session, KnownKey key, Map<String, String> notes, long until) {
        long lifespan = Math.max(SLACK_SECONDS, until - Time.currentTime() + SLACK_SECONDS);
        session.singleUseObjects().put(PREFIX + key.id(), lifespan, notes);
    }
}
