package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.Permissions;
import dev.kinga.sidecar.security.Refusal;
import dev.kinga.sidecar.security.StepUp;
import dev.kinga.sidecar.vault.Detokenizer;
import dev.kinga.sidecar.vault.TokenVault;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * PII detection and anonymization for compliance staff. Thin: validation here, work in the engine.
 * Each endpoint needs a {@code kinga-api} permission ({@link Permissions}), never a role name.
 */
@Path("/api/v1/pii")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class PiiResource {

    private static final Logger LOG = Logger.getLogger(PiiResource.class);
    static final int MAX_TOKENS = 1000;
    static final int MAX_PURPOSE = 500;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_]{1,64}");

    @Inject
    PiiEngine engine;

    @Inject
    Anonymizer anonymizer;

    @Inject
    RecordAnonymizer records;

    @Inject
    Detokenizer detokenizer;

    @Inject
    StepUp stepUp;

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken jwt;

    @POST
    @Path("detect")
    @RolesAllowed(Permissions.PII_DETECT)
    public PiiApi.DetectResponse detect(PiiApi.DetectRequest request) {
        String text = text(request == null ? null : request.text());
        List<PiiApi.Entity> entities = new ArrayList<>();
        for (Detection d : engine.detect(text)) {
            entities.add(new PiiApi.Entity(d.type().name(), d.start(), d.end(), d.score()));
        }
        return new PiiApi.DetectResponse(entities);
    }

    @POST
    @Path("anonymize")
    @RolesAllowed(Permissions.PII_ANONYMIZE)
    public PiiApi.AnonymizeResponse anonymize(PiiApi.AnonymizeRequest request) {
        boolean deterministic = identity.hasRole(Permissions.PII_TOKENIZE_DETERMINISTIC);
        if (request != null && request.document() != null) {
            if (request.text() != null) {
                throw new BadRequestException("send either text or document, not both");
            }
            if (request.subject() != null) {
                throw new BadRequestException("subject applies to text (its tokens); document rules make no tokens");
            }
            return new PiiApi.AnonymizeResponse(null, null, records.anonymize(request.document(), request.fieldRules(), deterministic));
        }
        String text = text(request == null ? null : request.text());
        String subject = request.subject();
        if (subject != null && (subject.isBlank() || subject.length() > 255)) {
            throw new BadRequestException("subject: the Keycloak user id of the person the text is about (at most 255 characters)");
        }
        return anonymizer.anonymize(text, request.operators(), deterministic, subject);
    }

    /**
     * Reverses tokens for a stated purpose, only after a recent sign-in with MFA ({@link StepUp}),
     * and records who, when, why and which tokens in the audit trail in the same transaction.
     */
    @POST
    @Path("detokenize")
    @RolesAllowed(Permissions.PII_DETOKENIZE)
    public PiiApi.DetokenizeResponse detokenize(PiiApi.DetokenizeRequest request) {
        if (request == null || request.tokens() == null || request.tokens().isEmpty()) {
            throw new BadRequestException("tokens is required (a non-empty list)");
        }
        if (request.tokens().size() > MAX_TOKENS) {
            throw new BadRequestException("tokens: at most " + MAX_TOKENS + " per request");
        }
        for (int i = 0; i < request.tokens().size(); i++) {
            String token = request.tokens().get(i);
            if (token == null || !TOKEN.matcher(token).matches()) {
                throw new BadRequestException("tokens[" + i + "] is not a token (tok_<type>_<hex>)");
            }
        }
        String purpose = request.purpose() == null ? "" : request.purpose().strip();
        if (purpose.isEmpty()) {
            throw new BadRequestException("purpose is required: say why the values are needed (kept in the audit trail)");
        }
        if (purpose.length() > MAX_PURPOSE) {
            throw new BadRequestException("purpose: at most " + MAX_PURPOSE + " characters");
        }
        text(purpose);
        try {
            stepUp.require(jwt);
        } catch (StepUp.StepUpRequiredException refused) {
            detokenizer.refused(request.tokens(), purpose, jwt, refused.getMessage());
            throw refused;
        }
        TokenVault.Opened opened = detokenizer.detokenize(request.tokens(), purpose, jwt);
        LOG.infof("Detokenization of %d token(s) by subject %s (audit seq %d)", request.tokens().size(), jwt.getSubject(),
                opened.auditSeq());
        if (!opened.shredded().isEmpty()) {
            throw new Refusal(410, "token_erased", opened.shredded().size() + " of the tokens belonged to a person who was erased:"
                    + " their values no longer exist (ask again without them: " + String.join(", ", opened.shredded()) + ")");
        }
        return new PiiApi.DetokenizeResponse(opened.values(), opened.unknown(), opened.unreadable(), opened.auditSeq());
    }

    @POST
    @Path("k-anonymity")
    @RolesAllowed(Permissions.PII_ANONYMIZE)
    public PiiApi.KAnonymityResponse kAnonymity(PiiApi.KAnonymityRequest request) {
        if (request == null) {
            throw new BadRequestException("a body with rows and quasiIdentifiers is required");
        }
        return KAnonymity.check(request);
    }

    /** Text must be present and well-formed UTF-16 (an unpaired surrogate cannot be answered as JSON). */
    static String text(String text) {
        if (text == null) {
            throw new BadRequestException("text is required");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    throw new BadRequestException("text has an unpaired surrogate at index " + i);
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new BadRequestException("text has an unpaired surrogate at index " + i);
            }
        }
        return text;
    }
}
