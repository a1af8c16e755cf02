package dev.kinga.keycloak.mfa.flow;

import dev.kinga.keycloak.mfa.MfaPolicy;
import dev.kinga.keycloak.mfa.backup.BackupCodesAction;
import dev.kinga.keycloak.mfa.totp.TotpEnrolAction;

import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;

/**
 * Kinga's enrolment required actions in a realm. At start-up and on realm creation they are
 * registered, and re-enabled if an admin disabled them: a role that must use MFA depends on them
 * (without enrolment such a login would end with the password alone, so
 * {@link #enrolmentAvailable} refuses it instead).
 */
final class RequiredActionRegistration {

    private static final Logger LOG = Logger.getLogger(RequiredActionRegistration.class);

    private RequiredActionRegistration() {
    }

    /** Keycloak's own TOTP set-up: it keeps the secret as it is, the very thing Kinga's sealed TOTP replaces. */
    static final String STOCK_TOTP = "CONFIGURE_TOTP";

    static void register(RealmModel realm) {
        add(realm, TotpEnrolAction.PROVIDER_ID, "Kinga: set up TOTP");
        add(realm, BackupCodesAction.PROVIDER_ID, "Kinga: backup codes");
        if (MfaPolicy.runsIn(realm)) {
            disableStockTotp(realm);
        }
    }

    /**
     * In a realm whose flows use Kinga MFA, Keycloak's stock {@code CONFIGURE_TOTP} is switched off
     * at every start: the account console and {@code kc_action=CONFIGURE_TOTP} would otherwise still
     * offer it and create a credential whose secret is not sealed. Credentials made earlier keep working.
     */
    private static void disableStockTotp(RealmModel realm) {
        RequiredActionProviderModel stock = realm.getRequiredActionProviderByAlias(STOCK_TOTP);
        if (stock != null && (stock.isEnabled() || stock.isDefaultAction())) {
            LOG.infof("Realm %s: disabling Keycloak's %s (Kinga's sealed TOTP replaces it)", realm.getName(), STOCK_TOTP);
            stock.setEnabled(false);
            stock.setDefaultAction(false);
            realm.updateRequiredActionProvider(stock);
        }
    }

    /** TOTP enrolment is registered and enabled in the realm, so a user can be made to enrol. */
    static boolean enrolmentAvailable(RealmModel realm) {
        RequiredActionProviderModel model = realm.getRequiredActionProviderByAlias(TotpEnrolAction.PROVIDER_ID);
        return model != null && model.isEnabled();
    }

    private static void add(RealmModel realm, String id, String name) {
        RequiredActionProviderModel existing = realm.getRequiredActionProviderByAlias(id);
        if (existing != null) {
            if (!existing.isEnabled()) {
                LOG.warnf("Realm %s: re-enabling required action %s, which roles that must use MFA depend on", realm.getName(), id);
                existing.setEnabled(true);
                realm.updateRequiredActionProvider(existing);
            }
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
