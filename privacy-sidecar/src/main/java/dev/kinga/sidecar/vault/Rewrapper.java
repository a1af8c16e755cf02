package dev.kinga.sidecar.vault;

import dev.kinga.sidecar.keys.KeyEncryptionKeys;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/**
 * KEK rotation without downtime: new entries are wrapped by the active KEK at once, and this
 * background job re-wraps older entries' data keys (the values' ciphertexts stay as they are) in
 * small batches, while every configured KEK still opens them. Entries from before envelope
 * encryption are re-sealed under a data key of their own. Several sidecars may run it at once:
 * each batch locks its rows, so an entry is re-wrapped once and never against another's write.
 */
@ApplicationScoped
public class Rewrapper {

    private static final Logger LOG = Logger.getLogger(Rewrapper.class);

    @Inject
    EntityManager em;

    @Inject
    KeyEncryptionKeys keks;

    @Inject
    TokenVault vault;

    @ConfigProperty(name = "kinga.pii.rewrap-batch-size", defaultValue = "200")
    int batchSize;

    @Scheduled(every = "${kinga.pii.rewrap-interval:60s}", delayed = "${kinga.pii.rewrap-delay:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        rewrapAll();
    }

    /**
     * Re-wraps batches, in token order, until no entry is left under another KEK; entries that
     * cannot be moved (their KEK is not configured) are passed over, so they never stall the rest.
     * Answers how many moved.
     */
    public int rewrapAll() {
        int total = 0;
        String after = "";
        while (true) {
            String from = after;
            Batch batch = QuarkusTransaction.requiringNew().call(() -> rewrapBatch(from));
            total += batch.moved();
            if (batch.seen() < batchSize) {
                break;
            }
            after = batch.last();
        }
        if (total > 0) {
            LOG.infof("Vault: re-wrapped %d entr%s under KEK %s; %d left under other keys", total, total == 1 ? "y" : "ies",
                    keks.activeId(), remaining());
        }
        return total;
    }

    /** Entries whose data key is not (yet) wrapped by the active KEK. */
    public long remaining() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                        "select count(t) from VaultEntry t where (t.kekId is null or t.kekId <> :active) and t.shreddedAt is null", Long.class)
                .setParameter("active", keks.activeId()).getSingleResult());
    }

    private record Batch(int seen, int moved, String last) {
    }

    private Batch rewrapBatch(String after) {
        List<VaultEntry> entries = em.createQuery("select t from VaultEntry t where (t.kekId is null or t.kekId <> :active) "
                        + "and t.shreddedAt is null and t.token > :after order by t.token", VaultEntry.class)
                .setParameter("active", keks.activeId())
                .setParameter("after", after)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setMaxResults(batchSize)
                .getResultList();
        int moved = 0;
        for (VaultEntry entry : entries) {
            if (entry.legacy()) {
                Optional<String> value = vault.plaintext(entry);
                if (value.isPresent()) {
                    entry.valueMac = null; // a V1 lookup MAC, under the old vault key: finds nothing any more
                    vault.seal(entry, value.get());
                    moved++;
                }
                continue;
            }
            if (entry.wrappedKey == null || entry.kekId == null) {
                continue;
            }
            Optional<byte[]> dek = keks.unwrap(entry.kekId, entry.wrappedKey, entry.token);
            if (dek.isPresent()) {
                entry.wrappedKey = keks.wrap(dek.get(), entry.token);
                entry.kekId = keks.activeId();
                moved++;
            }
        }
        if (moved < entries.size()) {
            LOG.warnf("Vault: %d entr%s cannot be re-wrapped: their KEK is not configured (kinga.pii.vault-keys)",
                    entries.size() - moved, entries.size() - moved == 1 ? "y" : "ies");
        }
        return new Batch(entries.size(), moved, entries.isEmpty() ? after : entries.get(entries.size() - 1).token);
    }
}
