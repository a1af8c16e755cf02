package dev.kinga.sidecar.breach.alert;

import java.util.Locale;

/** Where an alert stands in triage: {@code open → acknowledged → resolved} (or straight to resolved). */
public enum AlertState {
    OPEN, ACKNOWLEDGED, RESOLVED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state named on the wire, or null when there is no such state. */
    public static AlertState parse(String value) {
        for (AlertState s : values()) {
            if (s.wire().equals(value)) {
                return s;
            }
        }
        return null;
    }
}
