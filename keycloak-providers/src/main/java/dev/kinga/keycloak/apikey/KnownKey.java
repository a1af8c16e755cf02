package dev.kinga.keycloak.apikey;

import dev.kinga.keycloak.apikey.jpa.ApiKeyEntity;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** An immutable snapshot of one stored key, as the per-node cache holds it. Times in epoch seconds. */
public record KnownKey(
        String id,
        String prefix,
        String realmId,
        String clientId,
        String secretHash,
        String name,
        Set<String> scopes,
        List<CidrBlock> allowedCidrs,
        long expiresAt,
        Long revokedAt) {

    static KnownKey of(ApiKeyEntity e) {
        return new KnownKey(e.getId(), e.getPrefix(), e.getRealmId(), e.getClientId(), e.getSecretHash(), e.getName(),
                splitScopes(e.getScopes()), splitCidrs(e.getAllowedCidrs()), e.getExpiresAt(), e.getRevokedAt());
    }

    static Set<String> splitScopes(String joined) {
        if (joined == null || joined.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(joined.split(" ")).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    static List<CidrBlock> splitCidrs(String joined) {
        if (joined == null || joined.isBlank()) {
            return List.of();
        }
        return Arrays.stream(joined.split(" ")).filter(s -> !s.isEmpty()).map(CidrBlock::parse).toList();
    }

    boolean allows(String ip) {
        return allowedCidrs.isEmpty() || (ip != null && allowedCidrs.stream().anyMatch(c -> c.contains(ip)));
    }
}
