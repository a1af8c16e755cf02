package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;

import java.util.List;

/**
 * Links queued records into a realm's hash chain, in the order given: each takes the next
 * sequence number, the previous record's hash, and its own hash over its canonical text (the one
 * {@link ChainVerifier} recomputes). Pure: no database, so its rules are tested on their own.
 */
final class ChainLinker {

    /** The end of a chain: its last sequence number and hash ({@code 0} and the genesis hash when empty). */
    record Head(long seq, String hash) {
    }

    private ChainLinker() {
    }

    /**
     * Gives every record its place after {@code head}; the new head.
     * @throws IllegalStateException if a record is already in a chain (nothing is linked twice)
     */
    static Head link(Head head, List<AuditRecordEntity> queued) {
        for (AuditRecordEntity r : queued) {
            if (r.isSequenced()) {
                throw new IllegalStateException("record " + r.getId() + " is already at seq " + r.getSeq());
            }
        }
        long seq = head.seq();
        String previous = head.hash();
        for (AuditRecordEntity r : queued) {
            r.setSeq(++seq);
            r.setPrevHash(previous);
            previous = AuditEntry.hash(previous, AuditEntry.canonical(r));
            r.setHash(previous);
        }
        return new Head(seq, previous);
    }
}
