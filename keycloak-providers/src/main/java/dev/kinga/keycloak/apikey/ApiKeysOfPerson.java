package dev.kinga.keycloak.apikey;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinga.keycloak.apikey.jpa.ApiKeyEntity;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.time.Instant;
import java.util.List;

/**
 * What API keys keep about a person: who created or revoked a key. The port the privacy endpoint's
 * export and erasure use, so that only this capability reads and writes its table. Erasure keeps
 * the keys (they belong to their clients) and forgets the person in them.
 */
public final class ApiKeysOfPerson {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How many keys no longer name the person as their creator, and as their revoker. */
    public record Result(int creatorErased, int revokerErased) {
    }

    private ApiKeysOfPerson() {
    }

    /** The keys the person created, as their export lists them (never the key itself). */
    public static ArrayNode export(KeycloakSession session, RealmModel realm, String userId) {
        ArrayNode keys = JSON.createArrayNode();
        List<ApiKeyEntity> created = session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("select k from ApiKeyEntity k where k.realmId = :realmId and k.createdBy = :user order by k.createdAt",
                        ApiKeyEntity.class)
                .setParameter("realmId", realm.getId())
                .setParameter("user", userId)
                .getResultList();
        for (ApiKeyEntity key : created) {
            ClientModel client = realm.getClientById(key.getClientId());
            ObjectNode node = keys.addObject();
            node.put("prefix", key.getPrefix());
            node.put("name", key.getName());
            node.put("clientId", client == null ? null : client.getClientId());
            node.put("createdAt", Instant.ofEpochMilli(key.getCreatedAt()).toString());
            node.put("expiresAt", Instant.ofEpochMilli(key.getExpiresAt()).toString());
            if (key.getRevokedAt() != null) {
                node.put("revokedAt", Instant.ofEpochMilli(key.getRevokedAt()).toString());
            }
        }
        return keys;
    }

    /** Forgets the person in the keys they created or revoked, in the caller's transaction. */
    public static Result erase(KeycloakSession session, RealmModel realm, String userId) {
        var em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        int created = em.createQuery("update ApiKeyEntity k set k.createdBy = null where k.realmId = :realmId and k.createdBy = :user")
                .setParameter("realmId", realm.getId()).setParameter("user", userId).executeUpdate();
        int revoked = em.createQuery("update ApiKeyEntity k set k.revokedBy = null where k.realmId = :realmId and k.revokedBy = :user")
                .setParameter("realmId", realm.getId()).setParameter("user", userId).executeUpdate();
        return new Result(created, revoked);
    }
}
