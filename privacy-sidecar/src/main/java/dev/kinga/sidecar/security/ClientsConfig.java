package dev.kinga.sidecar.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** {@code kinga.clients.*}: which clients' tokens the sidecar serves ({@link ClientAllowList}). */
@ConfigMapping(prefix = "kinga.clients")
public interface ClientsConfig {

    /** The clients ({@code azp}) whose tokens the officers' endpoints serve. */
    @WithDefault("kinga-compliance-cli")
    List<String> officers();

    /** Clients whose own accounts may call the text-only PII endpoints. */
    Optional<List<String>> integrations();
}
