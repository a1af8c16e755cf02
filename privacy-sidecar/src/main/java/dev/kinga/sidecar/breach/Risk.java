package dev.kinga.sidecar.breach;

import java.util.Locale;

/**
 * The assessed risk to people's rights and freedoms: {@code unlikely} (Art. 33(1): no notification
 * needed, documented as not notifiable), {@code risk} (the authority is notified) or {@code high}
 * (the people affected are told too, Art. 34(1)).
 */
public enum Risk {
    UNLIKELY, RISK, HIGH;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Risk parse(String value) {
        for (Risk r : values()) {
            if (r.wire().equals(value)) {
                return r;
            }
        }
        return null;
    }
}
