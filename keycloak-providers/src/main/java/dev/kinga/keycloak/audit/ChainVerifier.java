package dev.kinga.keycloak.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kinga.keycloak.audit.jpa.AuditChainHeadEntity;
import dev.kinga.keycloak.audit.jpa.AuditCheckpointEntity;
import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;
import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Recomputes a realm's chain and reports the first broken link: a record whose content no
 * longer matches its hash ({@code hash_mismatch}), a record that does not follow the previous
 * one ({@code broken_link}), a missing sequence number ({@code missing_record}, e.g. a deleted
 * row), a personal part that no longer matches its commitment ({@code personal_mismatch}), or a
 * checkpoint whose signature does not verify. A personal part erased for a data subject is not a
 * break: the commitment the chain hashed is still there ({@link PersonalPart}).
 */
public final class ChainVerifier {

    private static final int PAGE = 1000;

    /** How far a record's time may be ahead of this node's clock (another node's clock may run ahead). */
    private static final long FUTURE_SKEW_MILLIS = 5 * 60_000L;
    /** How long a record may be missing at the sink (two nodes deliver a realm's records out of order for moments). */
    private static final java.time.Duration HOLE_GRACE = java.time.Duration.ofMinutes(5);

    private final KeycloakSession session;
    private final EntityManager em;
    private final AnchorKeys anchorKeys;
    /** How old the oldest record after the last anchor may be before its missing anchor is a break. */
    private final long anchorDueMillis;
    private final SinkViews sinkViews;
    private final Clock clock = Clock.systemUTC();

    public ChainVerifier(KeycloakSession session, AuditConfig config) {
        this.session = session;
        this.anchorKeys = config.anchorKeys();
        this.anchorDueMillis = config.anchorDueMillis();
        this.sinkViews = new SinkViews(config);
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    /**
     * @param erasedRecords records checked whose personal part was erased (their hashes still hold)
     * @param sinks         when verifying to the head: what each Kinga intake among the sinks holds, and whether it agrees
     * @param unsequencedRecords committed records still waiting for the sequencer to give them their place (not checked yet)
     */
    public record Result(String realm, boolean valid, long checkedRecords, long erasedRecords, Long fromSeq, Long toSeq,
                         Long checkpointSeq, Long lastAnchorSeq, long anchorsChecked, Broken firstBroken,
                         List<SinkViews.Report> sinks, long unsequencedRecords) {

        Result withSinks(List<SinkViews.Report> reports, Broken broken) {
            return new Result(realm, valid && broken == null, checkedRecords, erasedRecords, fromSeq, toSeq, checkpointSeq,
                    lastAnchorSeq, anchorsChecked, broken == null ? firstBroken : broken, reports, unsequencedRecords);
        }

        Result withUnsequenced(long count) {
            return new Result(realm, valid, checkedRecords, erasedRecords, fromSeq, toSeq, checkpointSeq, lastAnchorSeq,
                    anchorsChecked, firstBroken, sinks, count);
        }
    }

    public record Broken(long seq, String recordId, String reason) {
    }

    /** @param from first sequence number to check, or null for the start of the retained chain
     *  @param to   last one, or null for the head */
    public Result verify(RealmModel realm, Long from, Long to) {
        return verifyLinked(realm, from, to).withUnsequenced(queued(realm.getId()));
    }

    private long queued(String realmId) {
        Object[] row = em.createNamedQuery("kingaAuditQueuedCount", Object[].class).setParameter("realmId", realmId).getSingleResult();
        return ((Number) row[0]).longValue();
    }

    private Result verifyLinked(RealmModel realm, Long from, Long to) {
        if (to != null) {
            return verifyChain(realm, from, to);
        }
        // The sinks are asked first: they hold only committed records, so a sink ahead of the head read next was truncated.
        List<SinkViews.View> views = sinkViews.fetch(realm.getId());
        Result chain = verifyChain(realm, from, null);
        if (views.isEmpty()) {
            return chain;
        }
        long headSeq = chain.toSeq() == null ? 0 : chain.toSeq(); // verified to the head: its last sequence number
        long pruned = chain.checkpointSeq() == null ? 0 : chain.checkpointSeq();
        List<SinkViews.Report> reports = new ArrayList<>();
        Broken firstDisagreement = null;
        for (SinkViews.View v : views) {
            Broken disagreement = !v.reachable() ? null : disagreement(realm.getId(), v, headSeq, pruned);
            reports.add(new SinkViews.Report(v.sink(), v.reachable(), v.lastSeq(), v.lastAnchorSeq(), v.firstBreakSeq(),
                    v.reachable() ? disagreement == null : null));
            if (firstDisagreement == null) {
                firstDisagreement = disagreement;
            }
        }
        return chain.withSinks(reports, chain.valid() ? firstDisagreement : null);
    }

    /** Where the database's chain and a sink's view of it differ, or null: the sink's last record and newest anchor must be the chain's. */
    private Broken disagreement(String realmId, SinkViews.View v, long headSeq, long pruned) {
        if (v.firstBreakSeq() != null) {
            // A record reached the sink that did not continue what it held: the chain was rewritten
            // and later records (a new anchor of the forged head, say) carried the rewrite to the sink.
            return new Broken(v.firstBreakSeq(), null, "sink_chain_break");
        }
        if (v.firstHoleSeq() != null && v.firstHoleSeq() > pruned && v.holeSince() != null
                && v.holeSince().isBefore(clock.instant().minus(HOLE_GRACE))) {
            // The sink never received this record (a dead letter, or a delivery removed from the outbox): what
            // it holds past the hole was never linked to what came before, so it cannot vouch for it.
            return new Broken(v.firstHoleSeq(), null, "sink_gap");
        }
        if (v.lastSeq() > headSeq) {
            return new Broken(v.lastSeq(), null, "sink_ahead"); // records the sink received are gone from the database
        }
        if (v.lastSeq() > pruned && !hashAt(realmId, v.lastSeq()).equals(String.valueOf(v.lastHash()))) {
            return new Broken(v.lastSeq(), null, "sink_mismatch");
        }
        if (v.lastAnchorSeq() != null && v.lastAnchorSeq() > pruned
                && !hashAt(realmId, v.lastAnchorSeq()).equals(String.valueOf(v.lastAnchorHash()))) {
            return new Broken(v.lastAnchorSeq(), null, "sink_anchor_mismatch"); // the anchor the sink received was removed or changed
        }
        return null;
    }

    private String hashAt(String realmId, long seq) {
        List<AuditRecordEntity> at = range(realmId, seq, seq);
        return at.isEmpty() ? "" : at.get(0).getHash();
    }

    private Result verifyChain(RealmModel realm, Long from, Long to) {
        AuditChainHeadEntity head = em.find(AuditChainHeadEntity.class, realm.getId());
        if (head == null || head.getLastSeq() == 0) {
            return new Result(realm.getName(), true, 0, 0, null, null, null, null, 0, null, null, 0);
        }
        AuditCheckpointEntity checkpoint = Checkpoints.latest(em, realm.getId());
        long retainedStart = checkpoint == null ? 1 : checkpoint.getSeq() + 1;
        long start = Math.max(from == null ? retainedStart : from, retainedStart);
        long end = Math.min(to == null ? head.getLastSeq() : to, head.getLastSeq());
        Long checkpointSeq = checkpoint == null ? null : checkpoint.getSeq();
        if (start > end) {
            return new Result(realm.getName(), true, 0, 0, start, end, checkpointSeq, null, 0, null, null, 0);
        }

        String expectedPrev;
        if (start == retainedStart) {
            if (checkpoint != null && !Checkpoints.verify(session, realm, checkpoint)) {
                return broken(realm, 0, 0, null, 0, start, end, checkpointSeq, new Broken(checkpoint.getSeq(), null, "checkpoint_signature_invalid"));
            }
            expectedPrev = checkpoint == null ? AuditEntry.GENESIS_HASH : checkpoint.getHash();
        } else {
            List<AuditRecordEntity> anchor = range(realm.getId(), start - 1, start - 1);
            if (anchor.isEmpty()) {
                return broken(realm, 0, 0, null, 0, start, end, checkpointSeq, new Broken(start - 1, null, "missing_record"));
            }
            expectedPrev = anchor.get(0).getHash();
        }

        long expectedSeq = start;
        long checked = 0;
        long erased = 0;
        Long lastAnchor = null;
        long anchorsChecked = 0;
        Long firstUnanchoredTime = null;
        long firstUnanchoredSeq = 0;
        long latestTime = Long.MIN_VALUE + FUTURE_SKEW_MILLIS * 2;
        boolean checkpointAnchored = false;
        for (long pageStart = start; pageStart <= end; pageStart += PAGE) {
            for (AuditRecordEntity r : range(realm.getId(), pageStart, Math.min(end, pageStart + PAGE - 1))) {
                if (r.getSeq() != expectedSeq) {
                    return broken(realm, checked, erased, lastAnchor, anchorsChecked, start, end, checkpointSeq, new Broken(expectedSeq, null, "missing_record"));
                }
                if (!r.getPrevHash().equals(expectedPrev)) {
                    return broken(realm, checked, erased, lastAnchor, anchorsChecked, start, end, checkpointSeq, new Broken(r.getSeq(), r.getId(), "broken_link"));
                }
                if (!AuditEntry.hash(r.getPrevHash(), AuditEntry.canonical(r)).equals(r.getHash())) {
                    return broken(realm, checked, erased, lastAnchor, anchorsChecked, start, end, checkpointSeq, new Broken(r.getSeq(), r.getId(), "hash_mismatch"));
                }
                String personalProblem = PersonalPart.problem(r);
                if (personalProblem != null) {
                    return broken(realm, checked, erased, lastAnchor, anchorsChecked, start, end, checkpointSeq, new Broken(r.getSeq(), r.getId(), personalProblem));
                }
                if (PersonalPart.erased(r)) {
                    erased++;
                }
                boolean anchor = anchorShaped(r);
                boolean checkpointRecord = !anchor && checkpointShaped(r);
                String anchorProblem = anchor || checkpointRecord ? anchorProblem(realm.getId(), r, anchor) : null;
                if (anchorProblem != null) {
                    return broken(realm, checked, erased, lastAnchor, anchorsChecked, start, end, checkpointSeq, new Broken(r.getSeq(), r.getId(), anchorProblem));
                }
                if (r.getTime() < latestTime - FUTURE_SKEW_MILLIS * 2) {
                    // Records are chained in commit order, seconds after their events: a record ten minutes older than
                    // one before it was moved back in time (to slip a rewritten stretch past the anchor rules).
                    return broken(realm, checked, erased, lastAnchor, anchorsChecked, start, end, checkpointSeq,
                            new Broken(r.getSeq(), r.getId(), "time_out_of_order"));
                }
                latestTime = Math.max(latestTime, r.getTime());
                if (r.getTime() > clock.millis() + FUTURE_SKEW_MILLIS) {
                    // Record times are hashed, but a forger recomputes the hashes: a time in the future would
                    // hide records without an anchor after them from the anchor_missing rule.
                    return broken(realm, checked, erased, lastAnchor, anchorsChecked, start, end, checkpointSeq,
                            new Broken(r.getSeq(), r.getId(), "time_in_future"));
                }
                if (anchor) {
                    lastAnchor = r.getSeq();
                    anchorsChecked++;
                    firstUnanchoredTime = null;
                } else if (firstUnanchoredTime == null) {
                    firstUnanchoredTime = r.getTime();
                    firstUnanchoredSeq = r.getSeq();
                } else if (lastAnchor != null && anchorKeys.configured() && r.getTime() - firstUnanchoredTime > anchorDueMillis) {
                    // Between two anchors, the server kept writing records for longer than the anchor schedule
                    // allows: an anchor between them was removed (and a later one made over the rewrite).
                    return broken(realm, checked, erased, lastAnchor, anchorsChecked, start, end, checkpointSeq,
                            new Broken(firstUnanchoredSeq, null, "anchor_missing"));
                }
                if (checkpoint != null && checkpointRecord && anchorsCheckpoint(realm.getId(), r, checkpoint)) {
                    checkpointAnchored = true;
                }
                expectedPrev = r.getHash();
                expectedSeq++;
                checked++;
            }
            em.clear(); // keep memory flat on long chains
        }
        if (expectedSeq <= end) {
            return broken(realm, checked, erased, lastAnchor, anchorsChecked, start, end, checkpointSeq, new Broken(expectedSeq, null, "missing_record"));
        }
        if (end == head.getLastSeq() && !expectedPrev.equals(head.getLastHash())) {
            return broken(realm, checked, erased, lastAnchor, anchorsChecked, start, end, checkpointSeq, new Broken(end, null, "head_mismatch"));
        }
        if (checkpoint != null && start == retainedStart && end == head.getLastSeq() && anchorKeys.configured() && !checkpointAnchored) {
            // A checkpoint no AUDIT_PRUNED record vouches for: forged, e.g. re-signed after rotating the realm's keys.
            return broken(realm, checked, erased, lastAnchor, anchorsChecked, start, end, checkpointSeq, new Broken(checkpoint.getSeq(), null, "checkpoint_not_anchored"));
        }
        if (end == head.getLastSeq() && anchorKeys.configured() && firstUnanchoredTime != null
                && clock.millis() - firstUnanchoredTime > anchorDueMillis) {
            // Records older than the anchor schedule with no anchor after them: an anchor was removed or stripped.
            return broken(realm, checked, erased, lastAnchor, anchorsChecked, start, end, checkpointSeq, new Broken(firstUnanchoredSeq, null, "anchor_missing"));
        }
        return new Result(realm.getName(), true, checked, erased, start, end, checkpointSeq, lastAnchor, anchorsChecked, null, null, 0);
    }

    /**
     * An anchor is recognised by what it states, not by its type: a record of type
     * {@code AUDIT_ANCHOR}, or any record whose details carry anchor fields at their top level,
     * is checked as one (retyping an anchor does not make it disappear).
     */
    private static boolean anchorShaped(AuditRecordEntity r) {
        return Anchors.ANCHOR.equals(r.getType()) || hasField(r, "anchoredSeq") || hasField(r, "anchoredHash")
                || !checkpointShaped(r) && (hasField(r, "anchorMac") || hasField(r, "anchorKeyId"));
    }

    /** A record vouching for a checkpoint: of type {@code AUDIT_PRUNED} with a MAC, or any record stating a checkpoint. */
    private static boolean checkpointShaped(AuditRecordEntity r) {
        return Anchors.PRUNED.equals(r.getType()) && hasField(r, "anchorMac") || hasField(r, "checkpointSeq");
    }

    /** Whether the record's details have this top-level field (a value that merely mentions the name does not count). */
    private static boolean hasField(AuditRecordEntity r, String name) {
        String d = r.getDetails();
        // A cheap look first; an escaped name (\u0061nchoredSeq) is the same field, so details with escapes are parsed.
        return d != null && (d.contains(name) || d.contains("\\u")) && details(r).has(name);
    }

    /**
     * Why an anchor (or, with {@code anchor} false, a checkpoint's prune record) does not hold, or null: its MAC must verify under a configured
     * anchor key, and an anchor must name the hash of the record just before it.
     */
    private String anchorProblem(String realmId, AuditRecordEntity r, boolean anchor) {
        JsonNode d = details(r);
        String purpose = anchor ? Anchors.ANCHOR_PURPOSE : Anchors.CHECKPOINT_PURPOSE;
        long seq = d.path(anchor ? "anchoredSeq" : "checkpointSeq").asLong(-1);
        String hash = d.path(anchor ? "anchoredHash" : "checkpointHash").asText("");
        if (!anchorKeys.verify(d.path("anchorKeyId").asText(null), d.path("anchorMac").asText(null), purpose, realmId, seq, hash)) {
            return anchor ? "anchor_signature_invalid" : "checkpoint_anchor_invalid";
        }
        if (anchor && (seq != r.getSeq() - 1 || !hash.equals(r.getPrevHash()))) {
            return "anchor_mismatch"; // the chain before this anchor was rewritten
        }
        return null;
    }

    /** A prune record vouches for the checkpoint only with a valid MAC over exactly its sequence number and hash. */
    private boolean anchorsCheckpoint(String realmId, AuditRecordEntity r, AuditCheckpointEntity checkpoint) {
        JsonNode d = details(r);
        return d.path("checkpointSeq").asLong(-1) == checkpoint.getSeq() && checkpoint.getHash().equals(d.path("checkpointHash").asText())
                && anchorKeys.verify(d.path("anchorKeyId").asText(null), d.path("anchorMac").asText(null),
                        Anchors.CHECKPOINT_PURPOSE, realmId, checkpoint.getSeq(), checkpoint.getHash());
    }

    private static JsonNode details(AuditRecordEntity r) {
        try {
            return AuditEntry.CANONICAL_JSON.readTree(r.getDetails() == null ? "{}" : r.getDetails());
        } catch (java.io.IOException e) {
            return AuditEntry.CANONICAL_JSON.createObjectNode();
        }
    }

    private List<AuditRecordEntity> range(String realmId, long fromSeq, long toSeq) {
        return em.createNamedQuery("kingaAuditRange", AuditRecordEntity.class)
                .setParameter("realmId", realmId)
                .setParameter("fromSeq", fromSeq)
                .setParameter("toSeq", toSeq)
                .getResultList();
    }

    private static Result broken(RealmModel realm, long checked, long erased, Long lastAnchor, long anchorsChecked,
                                 long start, long end, Long checkpointSeq, Broken broken) {
        return new Result(realm.getName(), false, checked, erased, start, end, checkpointSeq, lastAnchor, anchorsChecked, broken, null, 0);
    }
}
