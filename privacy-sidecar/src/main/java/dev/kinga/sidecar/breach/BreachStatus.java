package dev.kinga.sidecar.breach;

import java.util.List;
import java.util.Locale;

/**
 * The enforced workflow of an incident: {@code detected → contained → investigating →
 * notified_authority → notified_users → resolved}, with the documented decision
 * {@code not_notifiable} (GDPR Art. 33(1): unlikely to result in a risk; Art. 33(5): documented
 * all the same). A step may be skipped forward where the law allows (a breach contained at once
 * is investigated next; a breach whose users need no notice is resolved after the authority's).
 */
public enum BreachStatus {
    DETECTED, CONTAINED, INVESTIGATING, NOTIFIED_AUTHORITY, NOT_NOTIFIABLE, NOTIFIED_USERS, RESOLVED;

    /** Where an incident may go from here (the register's checks of each step come on top). */
    public List<BreachStatus> next() {
        return switch (this) {
            case DETECTED -> List.of(CONTAINED, INVESTIGATING, NOTIFIED_AUTHORITY, NOT_NOTIFIABLE);
            case CONTAINED -> List.of(INVESTIGATING, NOTIFIED_AUTHORITY, NOT_NOTIFIABLE);
            case INVESTIGATING -> List.of(NOTIFIED_AUTHORITY, NOT_NOTIFIABLE);
            case NOTIFIED_AUTHORITY -> List.of(NOTIFIED_USERS, RESOLVED);
            case NOT_NOTIFIABLE, NOTIFIED_USERS -> List.of(RESOLVED);
            case RESOLVED -> List.of();
        };
    }

    /** Before the authority (or, for a processor, the controller) was told or the breach was found not notifiable. */
    public boolean awaitingNotification() {
        return this == DETECTED || this == CONTAINED || this == INVESTIGATING;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status named on the wire, or null. */
    public static BreachStatus parse(String value) {
        for (BreachStatus s : values()) {
            if (s.wire().equals(value)) {
                return s;
            }
        }
        return null;
    }
}
