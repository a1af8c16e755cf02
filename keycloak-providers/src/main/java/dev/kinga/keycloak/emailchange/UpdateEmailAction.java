package dev.kinga.keycloak.emailchange;

import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;

/**
 * Keycloak's {@code UPDATE_EMAIL} required action, enabled in every realm at each start: while it
 * is enabled, Keycloak keeps the address read-only everywhere a signed-in person edits their
 * profile (Account REST {@code POST /account}, the account console, update-profile) and changes
 * it only through the action, which re-authenticates a sign-in older than its maximum age.
 */
final class UpdateEmailAction {

    private static final Logger LOG = Logger.getLogger(UpdateEmailAction.class);
    static final String ALIAS = UserModel.RequiredAction.UPDATE_EMAIL.name();

    private UpdateEmailAction() {
    }

    static void require(RealmModel realm) {
        RequiredActionProviderModel model = realm.getRequiredActionProviderByAlias(ALIAS);
        if (model == null) {
            model = new RequiredActionProviderModel();
            model.setAlias(ALIAS);
            model.setProviderId(ALIAS);
            model.setName("Update Email");
            model.setEnabled(true);
            model.setDefaultAction(false);
            model.setPriority(70);
            realm.addRequiredActionProvider(model);
            LOG.infof("Realm %s: registered Keycloak's %s (an e-mail change then needs a recent sign-in)", realm.getName(), ALIAS);
        } else if (!model.isEnabled()) {
            model.setEnabled(true);
            realm.updateRequiredActionProvider(model);
            LOG.warnf("Realm %s: re-enabling Keycloak's %s: without it a bare access token changes the account's e-mail address",
                    realm.getName(), ALIAS);
        }
    }
}
