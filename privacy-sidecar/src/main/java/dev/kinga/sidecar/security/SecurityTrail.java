package dev.kinga.sidecar.security;

import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Map;

/**
 * Where the request guards put what they refused, in the sidecar's own audit trail. The trail
 * (package {@code audit}, which stands above the guards) provides it; the guards know only this.
 */
public interface SecurityTrail {

    /** Appends a record of {@code action} by the token's subject, in the caller's transaction. */
    void record(String action, JsonWebToken caller, Map<String, Object> details);
}
