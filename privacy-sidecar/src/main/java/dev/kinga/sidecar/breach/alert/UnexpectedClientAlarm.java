package dev.kinga.sidecar.breach.alert;

import dev.kinga.sidecar.connector.KeycloakConfig;
import dev.kinga.sidecar.security.TokenAlarm;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.UUID;

/**
 * A token for the sidecar from a client it is not for is an alert of its own (rule
 * {@code unexpected-client}, critical): whoever made such a client can manage the realm's clients,
 * and used it against personal data. Raised by the sidecar itself, so its record id and sequence
 * number are the sidecar's ({@code sidecar-…}, 0), not a Keycloak record's.
 */
@ApplicationScoped
public class UnexpectedClientAlarm implements TokenAlarm {

    static final String RULE = "unexpected-client";

    @Inject
    EntityManager em;

    @Inject
    KeycloakConfig keycloak;

    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public void unexpectedClient(String clientId, String subject, String reason, String path) {
        SecurityAlert alert = new SecurityAlert();
        alert.id = UUID.randomUUID().toString();
        alert.recordId = "sidecar-" + alert.id;
        alert.realmId = keycloak.realm();
        alert.realmName = keycloak.realm();
        alert.seq = 0;
        alert.raisedAt = Instant.now();
        alert.receivedAt = alert.raisedAt;
        alert.rule = RULE;
        alert.severity = "CRITICAL";
        alert.summary = ("service_account".equals(reason) ? "A client's own account (client_credentials)" : "A token of a client the sidecar is not for")
                + " called " + path + ": who can manage the realm's clients may have made it";
        alert.subjectId = subject;
        alert.actorClientId = clientId;
        alert.state = AlertState.OPEN;
        em.persist(alert);
    }
}
