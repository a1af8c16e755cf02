package dev.kinga.keycloak.apikey;

import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderEvent;

/**
 * Deletes the API keys of a client, or of a whole realm, in the transaction that deletes it:
 * no key row outlives the client it authenticated (a new client with the same client id starts
 * without keys).
 */
final class ClientRemovalCleanup {

    private ClientRemovalCleanup() {
    }

    static void onEvent(ProviderEvent event) {
        if (event instanceof ClientModel.ClientRemovedEvent removed) {
            ClientModel client = removed.getClient();
            delete(removed.getKeycloakSession(), "kingaApiKeysDeleteOfClient", client.getRealm(), client.getId());
        } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
            delete(removed.getKeycloakSession(), "kingaApiKeysDeleteOfRealm", removed.getRealm(), null);
        }
    }

    private static void delete(KeycloakSession session, String query, RealmModel realm, String clientId) {
        var delete = session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createNamedQuery(query).setParameter("realmId", realm.getId());
        if (clientId != null) {
            delete.setParameter("clientId", clientId);
        }
        delete.executeUpdate();
    }
}
