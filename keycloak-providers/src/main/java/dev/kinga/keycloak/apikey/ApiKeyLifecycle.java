package dev.kinga.keycloak.apikey;

import dev.kinga.keycloak.apikey.jpa.ApiKeyEntity;
import jakarta.persistence.EntityManager;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Creating, rotating and revoking the keys of one client, within the admin request's
 * transaction. Revocation and rotation also write a cluster-wide marker before answering, so
 * every node refuses the key from then on.
 */
final class ApiKeyLifecycle {

    /** A stored key and its full text, which exists only in this answer. */
    record Created(ApiKeyEntity entity, String apiKey) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ApiKeys keys;
    private final EntityManager em;

    ApiKeyLifecycle(KeycloakSession session, RealmModel realm, ApiKeys keys) {
        this.session = session;
        this.realm = realm;
        this.keys = keys;
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    List<ApiKeyEntity> list(ClientModel client) {
        return em.createNamedQuery("kingaApiKeysOfClient", ApiKeyEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("clientId", client.getId())
                .getResultList();
    }

    /** The client's key by prefix ({@code kinga_...}) or id, or null. */
    ApiKeyEntity find(ClientModel client, String keyRef) {
        ApiKeyEntity key = ApiKeyFormat.isPrefix(keyRef)
                ? em.createNamedQuery("kingaApiKeyByPrefix", ApiKeyEntity.class).setParameter("prefix", keyRef)
                    .getResultStream().findFirst().orElse(null)
                : keyRef != null && keyRef.length() <= 36 ? em.find(ApiKeyEntity.class, keyRef) : null;
        if (key == null || !key.getRealmId().equals(realm.getId()) || !key.getClientId().equals(client.getId())) {
            return null;
        }
        return key;
    }

    Created create(ClientModel client, NewKeyRequest request, String actor) {
        requireApiKeyClient(client);
        requireAvailable(client, request.scopes());
        Created created = store(client, request.name(), request.scopes(), request.expiresAt(), request.allowedCidrs(), actor, null);
        ApiKeyScopeMapper.ensureOn(client);
        return created;
    }

    /**
     * A new key with the old one's name, scopes and allow-list; the old one keeps working for
     * {@code overlapSeconds} (never longer than it would have) and is then expired.
     */
    Created rotate(ClientModel client, ApiKeyEntity old, long overlapSeconds, Long expiresAt, String actor) {
        requireApiKeyClient(client);
        if (old.getRevokedAt() != null) {
            throw new InvalidKeyRequestException(409, "key_revoked", "a revoked key cannot be rotated; create a new key");
        }
        long now = Time.currentTime();
        if (now >= old.getExpiresAt()) {
            throw new InvalidKeyRequestException(409, "key_expired", "an expired key cannot be rotated; create a new key");
        }
        Set<String> scopes = KnownKey.splitScopes(old.getScopes());
        requireAvailable(client, scopes);
        long newExpiry = expiresAt != null ? expiresAt : now + (old.getExpiresAt() - old.getCreatedAt());
        newExpiry = Math.min(newExpiry, now + keys.config().maxLifetimeDays() * 86_400L);
        Created created = store(client, old.getName(), scopes, newExpiry, KnownKey.splitCidrs(old.getAllowedCidrs()),
                actor, old.getPrefix());
        long oldExpiry = Math.min(old.getExpiresAt(), now + overlapSeconds);
        old.setExpiresAt(oldExpiry);
        old.setReplacedBy(created.entity().getPrefix());
        RevocationMarkers.expiresEarlier(session, KnownKey.of(old), oldExpiry);
        keys.cache().invalidate(old.getPrefix());
        return created;
    }

    /** Revokes at once on every node; revoking a revoked key changes nothing. */
    ApiKeyEntity revoke(ApiKeyEntity key, String actor) {
        if (key.getRevokedAt() != null) {
            return key;
        }
        long now = Time.currentTime();
        key.setRevokedAt(now);
        key.setRevokedBy(actor);
        RevocationMarkers.revoked(session, KnownKey.of(key), now);
        keys.cache().invalidate(key.getPrefix());
        return key;
    }

    private Created store(ClientModel client, String name, Set<String> scopes, long expiresAt,
                          List<CidrBlock> cidrs, String actor, String rotatedFrom) {
        String apiKey = keys.format().generate();
        ApiKeyEntity entity = new ApiKeyEntity();
        entity.setId(KeycloakModelUtils.generateId());
        entity.setPrefix(ApiKeyFormat.parse(apiKey).parsed().prefix());
        entity.setRealmId(realm.getId());
        entity.setClientId(client.getId());
        entity.setSecretHash(keys.peppers().hasher(session, realm).hash(apiKey));
        entity.setName(name);
        entity.setScopes(String.join(" ", new TreeSet<>(scopes)));
        entity.setAllowedCidrs(cidrs.isEmpty() ? null : cidrs.stream().map(CidrBlock::toString).collect(Collectors.joining(" ")));
        entity.setCreatedBy(actor);
        entity.setCreatedAt(Time.currentTime());
        entity.setExpiresAt(expiresAt);
        entity.setRotatedFrom(rotatedFrom);
        em.persist(entity);
        return new Created(entity, apiKey);
    }

    /** Keys are for confidential OpenID Connect clients with a service account, set to authenticate with them. */
    static void requireApiKeyClient(ClientModel client) {
        if (!OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol()) || client.isPublicClient() || client.isBearerOnly()
                || !client.isServiceAccountsEnabled()) {
            throw InvalidKeyRequestException.invalid("API keys are for confidential OpenID Connect clients with "
                    + "service accounts enabled");
        }
        if (!ApiKeyClientAuthenticatorFactory.PROVIDER_ID.equals(client.getClientAuthenticatorType())) {
            throw InvalidKeyRequestException.invalid("client '" + client.getClientId() + "' does not authenticate with "
                    + "API keys: set its Client Authenticator to 'Kinga API key' (Credentials tab) first");
        }
    }

    private void requireAvailable(ClientModel client, Set<String> scopes) {
        UserModel serviceAccount = session.users().getServiceAccount(client);
        Set<String> available = serviceAccount == null ? Set.of() : ApiKeyScopes.available(serviceAccount);
        Set<String> missing = new TreeSet<>(scopes);
        missing.removeAll(available);
        if (!missing.isEmpty()) {
            throw InvalidKeyRequestException.invalid("scopes not held by the client's service account: "
                    + String.join(", ", missing) + "; available: " + String.join(", ", available));
        }
    }
}
