package dev.kinga.sidecar.consent;

import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.Permissions;
import dev.kinga.sidecar.security.Refusal;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;

/**
 * {@code /api/v1/me/consents}: a signed-in person sees the purposes, their own consents and
 * history, and grants or withdraws their own consent, with their own token (the subject is the
 * token's {@code sub}, never a parameter). Reading needs {@code own-data:read}, changing
 * {@code own-data:write}.
 */
@Path("/api/v1/me/consents")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class MyConsentResource {

    @Inject
    ConsentLedger ledger;

    @Inject
    JsonWebToken jwt;

    public record MyConsents(List<ConsentResource.PurposeView> purposes, ConsentResource.SubjectView mine) {
    }

    /** @param version the version of the text the person was shown; a grant to any other is refused */
    public record Change(String purpose, String action, Integer version) {
    }

    @GET
    @RolesAllowed(Permissions.OWN_DATA_READ)
    public MyConsents mine() {
        return new MyConsents(ledger.purposes().stream().map(ConsentResource.PurposeView::of).toList(),
                ConsentResource.view(ledger, jwt.getSubject()));
    }

    /** Grants (to the current version) or withdraws the person's own consent to a purpose. */
    @POST
    @RolesAllowed(Permissions.OWN_DATA_WRITE)
    public Response change(Change body) {
        if (body == null) {
            throw new BadRequestException("a JSON body is required: {\"purpose\": \"...\", \"action\": \"grant\"|\"withdraw\"}");
        }
        boolean granted = ConsentResource.action(body.action());
        String key = ConsentResource.purposeKey(body.purpose());
        if (jwt.getSubject() == null) {
            throw new Refusal(403, "forbidden", "The token names no person (no sub)");
        }
        int current = ledger.versions(key).get(0).version;
        if (granted && body.version() != null && body.version() != current) {
            throw new Refusal(409, "version_changed", "The purpose's text changed (now version " + current
                    + "): show the person the current text and ask again");
        }
        ConsentRecord r = ledger.record(jwt.getSubject(), key, granted ? (Integer) current : null, granted, "self-service", jwt);
        return Response.status(201).entity(ConsentResource.RecordView.of(r)).build();
    }
}
