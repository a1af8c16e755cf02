package dev.kinga.sidecar.subject;

import java.util.Set;

/**
 * Where a request stands: {@code received → scheduled (an erasure's grace period) → in_progress →
 * completed | cancelled | failed}. A request can be cancelled until its job starts.
 */
public enum DsrStatus {
    RECEIVED, SCHEDULED, IN_PROGRESS, COMPLETED, CANCELLED, FAILED;

    public boolean finished() {
        return this == COMPLETED || this == CANCELLED || this == FAILED;
    }

    public boolean cancellable() {
        return this == RECEIVED || this == SCHEDULED;
    }

    /** The statuses a list may be filtered by, as the API spells them. */
    public static final Set<String> NAMES = Set.of("received", "scheduled", "in_progress", "completed", "cancelled", "failed");

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
