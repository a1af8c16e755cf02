package dev.kinga.sidecar.breach;

import java.time.Duration;
import java.time.Instant;

/**
 * The notification clock. A controller tells the supervisory authority within 72 hours of
 * becoming aware (GDPR Art. 33(1); Kenya DPA 2019 s.43(1): the Data Commissioner); a processor
 * tells the controller within 48 hours (s.43(2)). The register's role is fixed per incident when
 * it is created ({@code kinga.breach.register-role}).
 */
public final class Deadlines {

    public static final Duration AUTHORITY = Duration.ofHours(72);
    public static final Duration CONTROLLER = Duration.ofHours(48);
    /** Incidents due within this are listed as pending before they are overdue. */
    public static final Duration DUE_SOON = Duration.ofHours(12);

    private Deadlines() {
    }

    public static boolean processor(BreachIncident i) {
        return "processor".equals(i.registerRole);
    }

    public static Instant authorityDueAt(BreachIncident i) {
        return i.awareAt.plus(AUTHORITY);
    }

    /** The controller's deadline when the register is kept by a processor, else null. */
    public static Instant controllerDueAt(BreachIncident i) {
        return processor(i) ? i.awareAt.plus(CONTROLLER) : null;
    }

    /** The deadline that applies to the notification step of this register. */
    public static Instant dueAt(BreachIncident i) {
        return processor(i) ? controllerDueAt(i) : authorityDueAt(i);
    }

    /** Who the {@code notified_authority} step tells: the authority, or (for a processor) the controller. */
    public static String party(BreachIncident i) {
        return processor(i) ? "controller" : "supervisory authority";
    }

    /** Not yet notified and past the deadline, or notified after it. */
    public static boolean overdue(BreachIncident i, Instant now) {
        if (i.authorityNotifiedAt != null) {
            return i.authorityNotifiedAt.isAfter(dueAt(i));
        }
        return i.status.awaitingNotification() && now.isAfter(dueAt(i));
    }

    /** Not yet notified, not overdue, and due within {@link #DUE_SOON}. */
    public static boolean dueSoon(BreachIncident i, Instant now) {
        return i.status.awaitingNotification() && !now.isAfter(dueAt(i)) && !now.plus(DUE_SOON).isBefore(dueAt(i));
    }

    /** Time left until the deadline while a notification is awaited (negative when overdue), else null. */
    public static Duration timeLeft(BreachIncident i, Instant now) {
        return i.status.awaitingNotification() ? Duration.between(now, dueAt(i)) : null;
    }
}
