package dev.kinga.keycloak.apikey.jpa;

import dev.kinga.ratelimit.TakeLedger;
import jakarta.persistence.EntityManager;

import java.util.List;
import java.util.Map;

/** The rate limits' ledger in Keycloak's database ({@code KINGA_RATE_TAKES}), in the caller's transaction. */
public final class JpaTakeLedger implements TakeLedger {

    private final EntityManager em;

    public JpaTakeLedger(EntityManager em) {
        this.em = em;
    }

    @Override
    public void publish(String limiter, String node, long minute, Map<String, Long> takes) {
        takes.forEach((key, count) -> {
            String id = RateTakeEntity.id(limiter, node, key, minute);
            RateTakeEntity row = em.find(RateTakeEntity.class, id);
            if (row == null) {
                row = new RateTakeEntity();
                row.setId(id);
                row.setLimiter(limiter);
                row.setNode(node);
                row.setKey(key);
                row.setMinute(minute);
                row.setTakes(count);
                em.persist(row);
            } else {
                row.setTakes(count);
            }
        });
    }

    @Override
    public List<Takes> others(String limiter, String node, long fromMinute) {
        return em.createNamedQuery("kingaRateTakesOfOthers", RateTakeEntity.class)
                .setParameter("limiter", limiter).setParameter("fromMinute", fromMinute).setParameter("node", node)
                .getResultStream()
                .map(t -> new Takes(t.getNode(), t.getKey(), t.getMinute(), t.getTakes()))
                .toList();
    }

    @Override
    public void forget(String limiter, long beforeMinute) {
        em.createNamedQuery("kingaRateTakesForget")
                .setParameter("limiter", limiter).setParameter("beforeMinute", beforeMinute).executeUpdate();
    }
}
