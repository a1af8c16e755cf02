package dev.kinga.sidecar.breach;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/** Creates a year's reference counter once, in its own transaction, whoever gets there first. */
@ApplicationScoped
public class BreachCounters {

    @Inject
    EntityManager em;

    void ensure(int year) {
        try {
            create(year);
        } catch (RuntimeException anotherMadeIt) {
            // the row exists now, made by a concurrent first incident of the year
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void create(int year) {
        if (em.find(BreachCounter.class, year) == null) {
            BreachCounter counter = new BreachCounter();
            counter.year = year;
            counter.lastNumber = 0;
            em.persist(counter);
            em.flush();
        }
    }
}
