package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;

import java.util.List;

/**
 * Links queued records into a realm's hash chain, in the order given: each takes the next
 * sequence number, the previous record's hash, and its own hash over its canonical text (the one
 * {@link ChainVerifier} recomputes); a pending anchor gets its statement of the record before it.
 * Pure: no database, so its rules are tested on their own.
 */
final class ChainLinker {

    /** The end of a chain: its last sequence number and hash ({@code 0} and the genesis hash when empty). */
    record Head(long seq, String hash) {
    }

    /**
     * What an anchor states, made when the anchor takes its place: the record before it is known
     * only then (an anchor queued behind other records anchors the last of them).
     */
    interface AnchorStatement {
        /** Whether this queued record is an anchor waiting for its statement. */
        boolean pending(AuditRecordEntity r);

        /** The anchor's details (JSON as stored) for the chain ending at {@code anchoredSeq} with {@code anchoredHash}. */
        String details(String realmId, long anchoredSeq, String anchoredHash);
    }

    /** For chains that hold no pending anchor (tests, realms without anchor keys). */
    static final AnchorStatement NO_ANCHORS = new AnchorStatement() {
        @Override
        public boolean pending(AuditRecordEntity r) {
            return false;
        }

        @Override
        public String details(String realmId, long anchoredSeq, String anchoredHash) {
            throw new IllegalStateException("no anchors here");
        }
    };

    private ChainLinker() {
    }

    static Head link(Head head, List<AuditRecordEntity> queued) {
        return link(head, queued, NO_ANCHORS);
    }

    /**
     * Gives every record its place after {@code head}; the new head.
     * @throws IllegalStateException if a record is already in a chain (nothing is linked twice)
     */
    static Head link(Head head, List<AuditRecordEntity> queued, AnchorStatement anchors) {
        for (AuditRecordEntity r : queued) {
            if (r.isSequenced()) {
                throw new IllegalStateException("record " + r.getId() + " is already at seq " + r.getSeq());
            }
        }
        long seq = head.seq();
        String previous = head.hash();
        for (AuditRecordEntity r : queued) {
            if (anchors.pending(r)) {
                r.setDetails(anchors.details(r.getRealmId(), seq, previous));
            }
            r.setSeq(++seq);
            r.setPrevHash(previous);
            previous = AuditEntry.hash(previous, AuditEntry.canonical(r));
            r.setHash(previous);
        }
        return new Head(seq, previous);
    }
}
