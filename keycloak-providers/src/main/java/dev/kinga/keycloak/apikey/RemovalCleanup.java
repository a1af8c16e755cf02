package dev.kinga.keycloak.apikey;

import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderEvent;

/**
 * Keeps the API-key table in step with what Keycloak removes, in the transaction that removes it:
 * a client's or a realm's keys are deleted (no key row outlives the client it authenticated, and a
 * new client with the same client id starts without keys); a removed user is forgotten in the keys
 * they created or revoked, however the user was removed (the privacy endpoint's erasure, or an
 * admin deleting the account).
 */
final class RemovalCleanup {

    private RemovalCleanup() {
    }

    static void onEvent(ProviderEvent event) {
        if (event instanceof ClientModel.ClientRemovedEvent removed) {
            ClientModel client = removed.getClient();
            delete(removed.getKeycloakSession(), "kingaApiKeysDeleteOfClient", client.getRealm(), client.getId());
        } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
            delete(removed.getKeycloakSession(), "kingaApiKeysDeleteOfRealm", removed.getRealm(), null);
        } else if (event instanceof UserModel.UserRemovedEvent removed) {
            ApiKeysOfPerson.erase(removed.getKeycloakSession(), removed.getRealm(), removed.getUser().getId());
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
