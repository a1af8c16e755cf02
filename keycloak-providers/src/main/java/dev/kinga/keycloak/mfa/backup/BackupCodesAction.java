package dev.kinga.keycloak.mfa.backup;

import dev.kinga.keycloak.mfa.FactorRemoval;
import dev.kinga.keycloak.mfa.model.MfaIds;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kinga-backup-codes}: shows a new set of backup codes once (with a download link and a
 * print view) and stores their hashes when the user confirms they kept them, voiding the old set.
 * Also the prompt when few codes are left, which the user may postpone while codes remain.
 */
public class BackupCodesAction implements RequiredActionProvider, RequiredActionFactory {

    public static final String PROVIDER_ID = "kinga-backup-codes";
    static final String PENDING_NOTE = "kinga.backup.pending";
    public static final String LOW_NOTE = "kinga.backup.low";
    static final String COUNT = "count";
    static final String LOW_THRESHOLD = "low-threshold";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayText() {
        return "Kinga: backup codes";
    }

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED; // "Set up" / "Update" in the account console
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        // added after TOTP enrolment and when few codes are left
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        if (FactorRemoval.refusedWithoutFreshMfa(context)) {
            return;
        }
        context.challenge(page(context));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        if (FactorRemoval.refusedWithoutFreshMfa(context)) {
            return;
        }
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        var authSession = context.getAuthenticationSession();
        BackupCodeCredentialProvider codes = BackupCodeCredentialProviderFactory.of(context.getSession());
        if (form.containsKey("later") && codes.remaining(context.getUser()) > 0) {
            authSession.removeAuthNote(PENDING_NOTE);
            authSession.removeAuthNote(LOW_NOTE);
            context.success();
            return;
        }
        String pending = authSession.getAuthNote(PENDING_NOTE);
        if (pending == null || !form.containsKey("stored")) {
            context.challenge(page(context));
            return;
        }
        boolean regenerated = context.getUser().credentialManager()
                .getStoredCredentialsByTypeStream(MfaIds.BACKUP_CODES).findAny().isPresent();
        codes.store(context.getUser(), pending);
        authSession.removeAuthNote(PENDING_NOTE);
        authSession.removeAuthNote(LOW_NOTE);
        context.getEvent().event(EventType.UPDATE_CREDENTIAL).detail(Details.CREDENTIAL_TYPE, MfaIds.BACKUP_CODES)
                .detail("action", regenerated ? "regenerated" : "generated")
                .detail("count", Integer.toString(count(context.getConfig()))).success();
        context.success();
    }

    private Response page(RequiredActionContext context) {
        BackupCodeCredentialProvider codes = BackupCodeCredentialProviderFactory.of(context.getSession());
        BackupCodeCredentialProvider.Generated generated = codes.generate(context.getRealm(), context.getUser(), count(context.getConfig()));
        context.getAuthenticationSession().setAuthNote(PENDING_NOTE, generated.pending());
        String text = "Backup codes for " + context.getUser().getUsername() + " (" + context.getRealm().getName()
                + "). Each works once.\n\n" + String.join("\n", generated.codes()) + "\n";
        Map<String, Object> bean = new LinkedHashMap<>();
        bean.put("codes", generated.codes());
        bean.put("download", "data:text/plain;charset=utf-8," + URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20"));
        String low = context.getAuthenticationSession().getAuthNote(LOW_NOTE);
        int remaining = codes.remaining(context.getUser());
        bean.put("low", low != null && remaining > 0);
        bean.put("remaining", remaining);
        return context.form().setAttribute("kingaBackup", bean).createForm("kinga-backup-codes.ftl");
    }

    static int count(RequiredActionConfigModel config) {
        return intOf(config, COUNT, 10, 5, 20);
    }

    /** The low-codes threshold of the realm's action config. */
    public static int lowThreshold(RealmModel realm) {
        RequiredActionConfigModel config = realm.getRequiredActionConfigByAlias(PROVIDER_ID);
        return intOf(config, LOW_THRESHOLD, 3, 0, 19);
    }

    private static int intOf(RequiredActionConfigModel config, String key, int def, int min, int max) {
        Map<String, String> c = config == null || config.getConfig() == null ? Map.of() : config.getConfig();
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(c.getOrDefault(key, Integer.toString(def)).trim())));
        } catch (NumberFormatException e) {
            return def;
        }
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(COUNT).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("10")
                .label("Codes per set").helpText("How many backup codes a new set has (5 to 20). Each has 60 bits of entropy.")
                .add()
                .property().name(LOW_THRESHOLD).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue("3")
                .label("Prompt when this many are left")
                .helpText("After a backup code login leaves this many codes or fewer, the user is asked to make a new set.")
                .add()
                .build();
    }

    @Override
    public void init(Config.Scope config) {
        // options in the required action config
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // nothing to do
    }

    @Override
    public void close() {
        // stateless
    }
}
