package dev.kinga.keycloak.audit;

import dev.kinga.keycloak.audit.jpa.AuditRecordEntity;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChainLinkerTest {

    private static final ChainLinker.Head EMPTY = new ChainLinker.Head(0, AuditEntry.GENESIS_HASH);

    @Test
    void queuedRecordsTakeTheNextNumbersInTheOrderGivenWithoutAGap() {
        List<AuditRecordEntity> batch = queued("a", "b", "c");
        ChainLinker.Head head = ChainLinker.link(new ChainLinker.Head(41, "f".repeat(64)), batch);
        assertEquals(List.of(42L, 43L, 44L), batch.stream().map(AuditRecordEntity::getSeq).toList());
        assertEquals("f".repeat(64), batch.get(0).getPrevHash(), "the first follows the old head");
        assertEquals(batch.get(0).getHash(), batch.get(1).getPrevHash());
        assertEquals(batch.get(1).getHash(), batch.get(2).getPrevHash());
        assertEquals(new ChainLinker.Head(44, batch.get(2).getHash()), head, "the head moves once, to the last record");
    }

    @Test
    void eachHashIsTheOneTheVerifierRecomputes() {
        List<AuditRecordEntity> batch = queued("a", "b");
        ChainLinker.link(EMPTY, batch);
        for (AuditRecordEntity r : batch) {
            assertEquals(AuditEntry.hash(r.getPrevHash(), AuditEntry.canonical(r)), r.getHash());
        }
        batch.get(1).setType("LOGIN_ERROR");
        assertFalse(AuditEntry.hash(batch.get(1).getPrevHash(), AuditEntry.canonical(batch.get(1))).equals(batch.get(1).getHash()),
                "a changed record no longer matches its hash");
    }

    @Test
    void batchesMakeTheSameChainAsOneLongBatch() {
        List<AuditRecordEntity> whole = queued("a", "b", "c", "d", "e");
        ChainLinker.Head once = ChainLinker.link(EMPTY, whole);
        List<AuditRecordEntity> split = queued("a", "b", "c", "d", "e");
        ChainLinker.Head first = ChainLinker.link(EMPTY, split.subList(0, 2));
        ChainLinker.Head twice = ChainLinker.link(first, split.subList(2, 5));
        assertEquals(once, twice);
        for (int i = 0; i < whole.size(); i++) {
            assertEquals(whole.get(i).getHash(), split.get(i).getHash());
        }
    }

    @Test
    void anEmptyBatchLeavesTheHeadAsItWas() {
        ChainLinker.Head head = new ChainLinker.Head(7, "a".repeat(64));
        assertEquals(head, ChainLinker.link(head, List.of()));
    }

    @Test
    void aRecordAlreadyInTheChainIsNeverLinkedAgainAndTheBatchIsLeftUntouched() {
        List<AuditRecordEntity> linked = queued("a");
        ChainLinker.link(EMPTY, linked);
        List<AuditRecordEntity> batch = new ArrayList<>(queued("b"));
        batch.add(linked.get(0));
        assertThrows(IllegalStateException.class, () -> ChainLinker.link(new ChainLinker.Head(1, linked.get(0).getHash()), batch));
        assertNull(batch.get(0).getSeq(), "nothing of a refused batch is linked");
        assertEquals(1L, linked.get(0).getSeq());
    }

    @Test
    void anAnchorQueuedBehindOtherRecordsStatesTheRecordJustBeforeIt() {
        List<AuditRecordEntity> batch = queued("a", "b");
        AuditRecordEntity anchor = queued("anchor").get(0);
        anchor.setType(Anchors.ANCHOR);
        anchor.setDetails("{\"" + Anchors.PENDING + "\":true}");
        anchor.setFormat(PersonalPart.FORMAT);
        anchor.setPersonal(null);
        anchor.setPersonalSalt(null);
        anchor.setPersonalCommit(null);
        batch.add(1, anchor); // queued while "b" was not linked yet
        List<String> stated = new ArrayList<>();
        ChainLinker.link(new ChainLinker.Head(9, "e".repeat(64)), batch, new ChainLinker.AnchorStatement() {
            @Override
            public boolean pending(AuditRecordEntity r) {
                return Anchors.isPending(r);
            }

            @Override
            public String details(String realm, long seq, String hash) {
                stated.add(seq + "/" + hash);
                return "{\"anchoredHash\":\"" + hash + "\",\"anchoredSeq\":" + seq + "}";
            }
        });
        assertEquals(List.of(batch.get(0).getSeq() + "/" + batch.get(0).getHash()), stated, "it anchors the record before it");
        assertEquals(11L, anchor.getSeq());
        assertEquals(AuditEntry.hash(anchor.getPrevHash(), AuditEntry.canonical(anchor)), anchor.getHash(),
                "the statement is part of what the anchor's hash covers");
        assertFalse(anchor.getDetails().contains(Anchors.PENDING));
    }

    /** Records as a request's transaction queues them: everything but their place in the chain. */
    private static List<AuditRecordEntity> queued(String... ids) {
        List<AuditRecordEntity> out = new ArrayList<>();
        long time = 1_700_000_000_000L;
        for (String id : ids) {
            AuditRecordEntity r = new AuditRecordEntity();
            r.setId(id);
            r.setRealmId("realm-1");
            r.setTime(time++);
            r.setType("LOGIN");
            r.setSeverity("INFO");
            r.setOutcome("SUCCESS");
            r.setActorUserId("user-" + id);
            r.setSubject("user-" + id);
            r.setDetails("{\"auth_method\":\"openid-connect\"}");
            r.setFormat(PersonalPart.FORMAT);
            r.setPersonal("{\"ip\":\"10.0.0.1\"}");
            r.setPersonalSalt("00112233445566778899aabbccddeeff");
            r.setPersonalCommit(PersonalPart.commit("00112233445566778899aabbccddeeff", "{\"ip\":\"10.0.0.1\"}"));
            out.add(r);
        }
        return out;
    }
}
