package dev.kinga.keycloak.apikey;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kinga.keycloak.apikey.jpa.ApiKeyEntity;
import org.keycloak.common.util.Time;

import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/** A key's metadata as the admin API shows it. Never holds the secret or its hash. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKeyView(
        String id,
        String prefix,
        String clientId,
        String name,
        List<String> scopes,
        List<String> allowedCidrs,
        String status,
        String createdBy,
        String createdAt,
        String expiresAt,
        String lastUsedAt,
        String revokedAt,
        String revokedBy,
        String rotatedFrom,
        String replacedBy) {

    static ApiKeyView of(ApiKeyEntity e, String clientId) {
        return new ApiKeyView(e.getId(), e.getPrefix(), clientId, e.getName(),
                List.copyOf(new TreeSet<>(KnownKey.splitScopes(e.getScopes()))),
                KnownKey.splitCidrs(e.getAllowedCidrs()).stream().map(CidrBlock::toString).toList(),
                status(e), e.getCreatedBy(), iso(e.getCreatedAt()), iso(e.getExpiresAt()), iso(e.getLastUsedAt()),
                iso(e.getRevokedAt()), e.getRevokedBy(), e.getRotatedFrom(), e.getReplacedBy());
    }

    static String status(ApiKeyEntity e) {
        if (e.getRevokedAt() != null) {
            return "revoked";
        }
        return Time.currentTime() >= e.getExpiresAt() ? "expired" : "active";
    }

    private static String iso(Long epochSeconds) {
        return epochSeconds == null ? null : Instant.ofEpochSecond(epochSeconds).toString();
    }
}
