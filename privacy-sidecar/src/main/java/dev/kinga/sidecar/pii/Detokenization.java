package dev.kinga.sidecar.pii;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** The audit of one detokenization request. */
@Entity
@Table(name = "pii_detokenization")
public class Detokenization {

    @Id
    public String id;

    public String actor;

    public Instant at;

    @jakarta.persistence.Column(name = "token_count")
    public int tokenCount;

    public String tokens;
}
