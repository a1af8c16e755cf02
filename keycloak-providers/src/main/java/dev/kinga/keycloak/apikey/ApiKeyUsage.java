package dev.kinga.keycloak.apikey;

import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/** Writes a key's "last used" time, in the transaction of the request that used it. */
final class ApiKeyUsage {

    private ApiKeyUsage() {
    }

    static void markUsed(KeycloakSession session, KnownKey key) {
        session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("update ApiKeyEntity k set k.lastUsedAt = :now where k.id = :id")
                .setParameter("now", (long) Time.currentTime())
                .setParameter("id", key.id())
                .executeUpdate();
    }
}
