package dev.kinga.sidecar.breach.notice;

import java.util.Locale;

/**
 * A notice's delivery: {@code pending} (queued or waiting for a retry), {@code sent} (the SMTP
 * server took it), {@code failed} (every attempt failed), {@code no_address} (Keycloak has no
 * e-mail address for the person, or no such person: tell them another way).
 */
public enum NoticeStatus {
    PENDING, SENT, FAILED, NO_ADDRESS;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
