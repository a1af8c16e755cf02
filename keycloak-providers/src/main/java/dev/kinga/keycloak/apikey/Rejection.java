package dev.kinga.keycloak.apikey;

import java.util.Locale;

/** Why a presented API key was refused: the {@code reason} detail of events, never shown to callers. */
public enum Rejection {
    MISSING_KEY,
    MALFORMED,
    BAD_CHECKSUM,
    UNKNOWN_KEY,
    WRONG_SECRET,
    REVOKED,
    EXPIRED,
    ADDRESS_NOT_ALLOWED,
    CLIENT_MISMATCH,
    CLIENT_DISABLED,
    CLIENT_NOT_API_KEY,
    SCOPE_MAPPER_MISSING,
    NO_SERVICE_ACCOUNT,
    RATE_LIMITED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
