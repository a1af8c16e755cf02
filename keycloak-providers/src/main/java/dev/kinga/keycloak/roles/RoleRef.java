package dev.kinga.keycloak.roles;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A realm role ({@code client == null}) or a client role, as it appears in reports.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RoleRef(@JsonProperty("client") String client, @JsonProperty("role") String name) {

    public static RoleRef realm(String name) {
        return new RoleRef(null, name);
    }

    public static RoleRef client(String clientId, String name) {
        return new RoleRef(clientId, name);
    }

    @Override
    public String toString() {
        return client == null ? name : client + "/" + name;
    }
}
