package dev.kinga.keycloak.mfa;

import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * What every Kinga credential type does alike: one type name, credentials created only by Kinga's
 * own steps (never by Keycloak's generic {@code createCredential}, since each needs a key, a proven
 * code or a cookie), removed by id, stored as they are read, and shown in the account console as a
 * second factor with the theme's {@code <type>-display-name} and {@code <type>-help-text}.
 */
public abstract class KingaCredentialProvider implements CredentialProvider<CredentialModel> {

    protected final KeycloakSession session;
    private final String type;
    private final String createdBy;

    /** @param createdBy what creates this type's credentials, for the refusal of the generic path */
    protected KingaCredentialProvider(KeycloakSession session, String type, String createdBy) {
        this.session = session;
        this.type = type;
        this.createdBy = createdBy;
    }

    @Override
    public final String getType() {
        return type;
    }

    public final boolean supportsCredentialType(String credentialType) {
        return type.equals(credentialType);
    }

    @Override
    public final CredentialModel createCredential(RealmModel realm, UserModel user, CredentialModel credentialModel) {
        throw new UnsupportedOperationException(type + " credentials are created by " + createdBy);
    }

    @Override
    public final boolean deleteCredential(RealmModel realm, UserModel user, String credentialId) {
        return user.credentialManager().removeStoredCredentialById(credentialId);
    }

    @Override
    public final CredentialModel getCredentialFromModel(CredentialModel model) {
        return model;
    }

    /** The account console's entry for this type, to finish with the create action and removability. */
    protected final CredentialTypeMetadata.CredentialTypeMetadataBuilder metadata(String iconCssClass) {
        return CredentialTypeMetadata.builder()
                .type(type)
                .category(CredentialTypeMetadata.Category.TWO_FACTOR)
                .displayName(type + "-display-name")
                .helpText(type + "-help-text")
                .iconCssClass(iconCssClass);
    }

    @Override
    public void close() {
        // nothing held
    }
}
