package dev.kinga.sidecar.breach.notice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinga.sidecar.breach.BreachRegister;
import dev.kinga.sidecar.security.BadRequestException;
import dev.kinga.sidecar.security.Permissions;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/breaches/{id}/notices}: the drafts of the authority's notification and of the
 * person's notice (English or Kiswahili), the people's notices queued by user id, and their
 * delivery per person.
 */
@Path("/api/v1/breaches/{id}/notices")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class NoticeResource {

    static final int MAX_PEOPLE = 10_000;
    /** Keycloak's user ids (UUIDs); a username or an address is not one. */
    private static final Pattern USER_ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    @Inject
    Notices notices;

    @Inject
    NoticeDrafts drafts;

    @Inject
    BreachRegister register;

    @Inject
    JsonWebToken jwt;

    public record NoticeView(String userId, String status, String language, Boolean addressVerified, String contentHash, int attempts,
                             Instant queuedAt, Instant sentAt, String lastError) {
        static NoticeView of(BreachNotice n) {
            return new NoticeView(n.userId, n.status.wire(), n.locale, n.addressVerified, n.contentHash, n.attempts, n.queuedAt, n.sentAt,
                    n.lastError);
        }
    }

    public record Deliveries(Map<String, Integer> totals, List<NoticeView> notices) {
    }

    @GET
    @RolesAllowed({Permissions.BREACH_READ, Permissions.BREACH_MANAGE})
    public Deliveries list(@PathParam("id") String id) {
        List<NoticeView> views = notices.of(id).stream().map(NoticeView::of).toList();
        Map<String, Integer> totals = new TreeMap<>();
        for (NoticeStatus s : NoticeStatus.values()) {
            totals.put(s.wire(), 0);
        }
        views.forEach(v -> totals.merge(v.status(), 1, Integer::sum));
        return new Deliveries(totals, views);
    }

    /**
     * Queues the person's notice for each user id (Keycloak's): each person once, however often they
     * are named. {@code allowUnverifiedAddresses: true} lets these notices go to addresses the
     * people set and never verified (refused by default, see kinga.breach.notice-verified-addresses-only).
     */
    @POST
    @RolesAllowed(Permissions.BREACH_MANAGE)
    public Response queue(@PathParam("id") String id, JsonNode body) {
        JsonNode ids = body == null ? null : body.get("userIds");
        if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > MAX_PEOPLE) {
            throw new BadRequestException("userIds is required: the Keycloak user ids of the people affected (1 to " + MAX_PEOPLE + ")");
        }
        Set<String> people = new LinkedHashSet<>();
        for (JsonNode userId : ids) {
            if (!userId.isTextual() || !USER_ID.matcher(userId.asText()).matches()) {
                throw new BadRequestException("userIds must hold Keycloak user ids (UUIDs), not usernames or addresses");
            }
            people.add(userId.asText().toLowerCase(Locale.ROOT));
        }
        JsonNode allow = body.get("allowUnverifiedAddresses");
        if (allow != null && !allow.isBoolean()) {
            throw new BadRequestException("allowUnverifiedAddresses is true or false");
        }
        return Response.accepted(notices.queue(id, new ArrayList<>(people), allow != null && allow.asBoolean(), jwt)).build();
    }

    /** Sends the failed notices again. */
    @POST
    @Path("retry")
    @RolesAllowed(Permissions.BREACH_MANAGE)
    public Map<String, Integer> retry(@PathParam("id") String id) {
        return Map.of("requeued", notices.retryFailed(id, jwt));
    }

    /** The person's notice as it would go out in {@code language} (en, sw), addressed to "customer". */
    @GET
    @Path("drafts/person")
    @RolesAllowed({Permissions.BREACH_READ, Permissions.BREACH_MANAGE})
    public NoticeDrafts.Draft personDraft(@PathParam("id") String id, @QueryParam("language") String language) {
        return drafts.person(register.get(id), language(language), null);
    }

    /** The notification of the supervisory authority (or, for a processor, of the controller) in {@code language}. */
    @GET
    @Path("drafts/authority")
    @RolesAllowed({Permissions.BREACH_READ, Permissions.BREACH_MANAGE})
    public NoticeDrafts.Draft authorityDraft(@PathParam("id") String id, @QueryParam("language") String language) {
        return drafts.authority(register.get(id), language(language));
    }

    private static String language(String language) {
        String chosen = language == null ? "en" : language;
        if (!NoticeDrafts.LANGUAGES.contains(chosen)) {
            throw new BadRequestException("language must be one of " + NoticeDrafts.LANGUAGES);
        }
        return chosen;
    }
}
