package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.security.BadRequestException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** PII detection and anonymization for compliance staff. Thin: validation here, work in the engine. */
@Path("/api/v1/pii")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class PiiResource {

    private static final Logger LOG = Logger.getLogger(PiiResource.class);
    static final int MAX_TOKENS = 1000;

    @Inject
    PiiEngine engine;

    @Inject
    Anonymizer anonymizer;

    @Inject
    RecordAnonymizer records;

    @Inject
    TokenVault vault;

    @Inject
    SecurityIdentity identity;

    @POST
    @Path("detect")
    @RolesAllowed({"privacy-officer", "security-officer", "auditor"})
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
    @RolesAllowed({"privacy-officer", "security-officer"})
    public PiiApi.AnonymizeResponse anonymize(PiiApi.AnonymizeRequest request) {
        if (request != null && request.document() != null) {
            if (request.text() != null) {
                throw new BadRequestException("send either text or document, not both");
            }
            return new PiiApi.AnonymizeResponse(null, null, records.anonymize(request.document(), request.fieldRules()));
        }
        String text = text(request == null ? null : request.text());
        return anonymizer.anonymize(text, request.operators());
    }

    /** Only the privacy officer reverses tokens, and every call is recorded. */
    @POST
    @Path("detokenize")
    @RolesAllowed("privacy-officer")
    public PiiApi.DetokenizeResponse detokenize(PiiApi.DetokenizeRequest request) {
        if (request == null || request.tokens() == null || request.tokens().isEmpty()) {
            throw new BadRequestException("tokens is required (a non-empty list)");
        }
        if (request.tokens().size() > MAX_TOKENS) {
            throw new BadRequestException("tokens: at most " + MAX_TOKENS + " per request");
        }
        for (int i = 0; i < request.tokens().size(); i++) {
            String token = request.tokens().get(i);
            if (token == null || token.length() > 64) {
                throw new BadRequestException("tokens[" + i + "] is not a token");
            }
        }
        String actor = identity.getPrincipal().getName();
        Map<String, String> values = vault.detokenize(request.tokens(), actor);
        List<String> unknown = request.tokens().stream().filter(t -> !values.containsKey(t)).distinct().toList();
        LOG.infof("Detokenization of %d token(s) by %s", request.tokens().size(), actor);
        return new PiiApi.DetokenizeResponse(values, unknown);
    }

    @POST
    @Path("k-anonymity")
    @RolesAllowed({"privacy-officer", "security-officer"})
    public PiiApi.KAnonymityResponse kAnonymity(PiiApi.KAnonymityRequest request) {
        if (request == null) {
            throw new BadRequestException("a body with rows and quasiIdentifiers is required");
        }
        return KAnonymity.check(request);
    }

    /** Text must be present and well-formed UTF-16 (an unpaired surrogate cannot be answered as JSON). */
    private static String text(String text) {
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
