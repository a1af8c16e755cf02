package dev.kinga.keycloak.mfa;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.jpa.entities.CredentialEntity;

/**
 * Locks a credential's database row for the rest of the transaction and refreshes the model
 * from it ({@code SELECT … FOR UPDATE}): two requests that change the same credential at once
 * (two backup codes, say) then run one after the other on the current data, on every node.
 * Credentials of federated users live elsewhere and are left as read.
 */
public final class CredentialRowLock {

    private CredentialRowLock() {
    }

    public static void lockAndRefresh(KeycloakSession session, CredentialModel credential) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        CredentialEntity row = em.find(CredentialEntity.class, credential.getId());
        if (row == null) {
            return;
        }
        em.refresh(row, LockModeType.PESSIMISTIC_WRITE);
        credential.setSecretData(row.getSecretData());
        credential.setCredentialData(row.getCredentialData());
        credential.setUserLabel(row.getUserLabel());
    }
}
