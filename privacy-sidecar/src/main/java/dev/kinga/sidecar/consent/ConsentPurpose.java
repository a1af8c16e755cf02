package dev.kinga.sidecar.consent;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;

/** One version of a purpose's text, as people were shown it. Never changed once written. */
@Entity
@Table(name = "consent_purpose")
@IdClass(ConsentPurpose.Key.class)
public class ConsentPurpose {

    /** The primary key: purpose and version. */
    public static class Key implements Serializable {
        public String key;
        public int version;

        public Key() {
        }

        public Key(String key, int version) {
            this.key = key;
            this.version = version;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && other.version == version && java.util.Objects.equals(other.key, key);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(key, version);
        }
    }

    @Id
    @Column(name = "purpose_key")
    public String key;

    @Id
    public int version;

    public String text;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "created_by")
    public String createdBy;
}
