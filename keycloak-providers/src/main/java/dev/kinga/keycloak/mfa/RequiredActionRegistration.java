package dev.kinga.keycloak.mfa;

import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;

/** Registers and enables Kinga's enrolment required actions in a realm (idempotent; an admin may disable them). */
final class RequiredActionRegistration {

    private RequiredActionRegistration() {
    }

    static void register(RealmModel realm) {
        add(realm, TotpEnrolAction.PROVIDER_ID, "Kinga: set up TOTP");
        add(realm, BackupCodesAction.PROVIDER_ID, "Kinga: backup codes");
    }

    private static void add(RealmModel realm, String id, String name) {
        if (realm.getRequiredActionProviderByAlias(id) != null) {
            return;
        }
        RequiredActionProviderModel model = new RequiredActionProviderModel();
        model.setAlias(id);
        model.setProviderId(id);
        model.setName(name);
        model.setEnabled(true);
        model.setDefaultAction(false);
        model.setPriority(100);
        realm.addRequiredActionProvider(model);
    }
}
