package dev.kinga.sidecar.dsr;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** A connector's answer for one request, kept so a re-run job never calls it twice. */
@Entity
@Table(name = "dsr_connector_call")
@IdClass(ConnectorCall.Key.class)
public class ConnectorCall {

    /** The primary key: request and connector. */
    public static class Key implements Serializable {
        public String requestId;
        public String connector;

        public Key() {
        }

        public Key(String requestId, String connector) {
            this.requestId = requestId;
            this.connector = connector;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(k.requestId, requestId) && Objects.equals(k.connector, connector);
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestId, connector);
        }
    }

    @Id
    @Column(name = "request_id")
    public String requestId;

    @Id
    public String connector;

    /** The connector's answer (JSON). */
    public String result;

    @Column(name = "done_at")
    public Instant doneAt;
}
