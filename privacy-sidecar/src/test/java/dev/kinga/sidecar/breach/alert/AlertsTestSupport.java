package dev.kinga.sidecar.breach.alert;

import java.util.UUID;

/** For tests in other packages: an alert delivered through the signed intake, as Keycloak's forwarder would. */
public final class AlertsTestSupport {

    private AlertsTestSupport() {
    }

    /** A {@code rule} alert about a new person in a new realm; its id in the sidecar. */
    public static String raise(String rule) {
        return AlertsTest.raise(UUID.randomUUID().toString(), 1, rule, UUID.randomUUID().toString());
    }
}
