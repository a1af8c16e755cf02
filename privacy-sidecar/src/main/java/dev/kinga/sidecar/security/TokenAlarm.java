package dev.kinga.sidecar.security;

/**
 * Where a token from a client the sidecar is not for is reported, beyond the trail: the breach
 * register's alerts implement it, so a security officer sees it in triage.
 */
public interface TokenAlarm {

    /** A token of {@code clientId} (for person {@code subject}, or a service account) was refused for {@code reason}. */
    void unexpectedClient(String clientId, String subject, String reason, String path);
}
