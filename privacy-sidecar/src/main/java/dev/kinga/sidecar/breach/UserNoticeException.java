package dev.kinga.sidecar.breach;

import java.util.Locale;

/**
 * Why the people affected by a high-risk breach are not each told (GDPR Art. 34(3)): a recorded
 * choice, not free text. {@code disproportionate_effort} needs a public communication instead.
 */
public enum UserNoticeException {
    /** (a) the data was unintelligible to anyone not authorised, such as by encryption */
    ENCRYPTED_DATA,
    /** (b) later measures ensure the high risk is no longer likely to materialise */
    RISK_NO_LONGER_LIKELY,
    /** (c) telling each would involve disproportionate effort: a public communication instead */
    DISPROPORTIONATE_EFFORT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UserNoticeException parse(String value) {
        for (UserNoticeException e : values()) {
            if (e.wire().equals(value)) {
                return e;
            }
        }
        return null;
    }
}
