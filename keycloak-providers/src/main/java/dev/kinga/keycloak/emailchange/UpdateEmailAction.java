package dev.kinga.keycloak.emailchange;

import org.jboss.logging.Logger;
import org.keycloak.common.Profile;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;

/**
 * Keycloak's {@code UPDATE_EMAIL} required action, enabled in every realm at each start: while it
 * is enabled, Keycloak keeps the address read-only everywhere a signed-in person edits their
 * profile (Account REST {@code POST /account}, the account console, update-profile) and changes
 * it only through the action, which re-authenticates a sign-in older than its maximum age (kept at
 * 5 minutes or less). Set right at each start, on realm creation, and after any admin change to
 * the action or its configuration.
 */
final class UpdateEmailAction {

    private static final Logger LOG = Logger.getLogger(UpdateEmailAction.class);
    static final String ALIAS = UserModel.RequiredAction.UPDATE_EMAIL.name();
    /** The action's option: how old a sign-in may be before the change asks for the password again. */
    static final String MAX_AUTH_AGE = "max_auth_age";

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
        RequiredActionConfigModel config = realm.getRequiredActionConfigByAlias(ALIAS);
        String age = config == null ? null : config.getConfigValue(MAX_AUTH_AGE);
        if (age != null && !withinLimit(age)) {
            config.getConfig().put(MAX_AUTH_AGE, Integer.toString(Constants.KC_ACTION_MAX_AGE));
            realm.updateRequiredActionConfig(config);
            LOG.warnf("Realm %s: %s's maximum sign-in age was %s s; set back to %d s, Kinga's limit for a change of address",
                    realm.getName(), ALIAS, age.length() > 12 ? age.substring(0, 12) : age, Constants.KC_ACTION_MAX_AGE);
        }
    }

    /** Whether an admin-set maximum age is a number of seconds within Keycloak's own default (5 minutes). */
    static boolean withinLimit(String age) {
        try {
            long seconds = Long.parseLong(age.trim());
            return seconds >= 0 && seconds <= Constants.KC_ACTION_MAX_AGE;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Keycloak honours the action only while its {@code update-email} feature is on (it is by
     * default): with the feature off the address is editable with a bare access token again, though
     * the action still shows as enabled.
     */
    static void warnIfFeatureOff() {
        if (!Profile.isFeatureEnabled(Profile.Feature.UPDATE_EMAIL)) {
            LOG.errorf("Kinga: Keycloak's update-email feature is disabled (--features-disabled): e-mail addresses can be changed "
                    + "with a bare access token and without a recent sign-in. Enable it again.");
        }
    }
}
