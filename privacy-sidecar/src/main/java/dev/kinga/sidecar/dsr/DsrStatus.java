package dev.kinga.sidecar.dsr;

import java.util.Set;

/**
 * Where a request stands: {@code received → scheduled (an erasure's grace period) → in_progress →
 * completed | cancelled | failed}. A request can be cancelled until its job starts, or after it failed.
 */
public enum DsrStatus {
    RECEIVED, SCHEDULED, IN_PROGRESS, COMPLETED, CANCELLED, FAILED;

    public boolean finished() {
        return this == COMPLETED || this == CANCELLED || this == FAILED;
    }

    /** Until its job starts; a failed request may be cancelled too, to close it (an erasure's account comes back). */
    public boolean cancellable() {
        return this == RECEIVED || this == SCHEDULED || this == FAILED;
    }

    /** The statuses a list may be filtered by, as the API spells them. */
    public static final Set<String> NAMES = Set.of("received", "scheduled", "in_progress", "completed", "cancelled", "failed");

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
