package dev.kinga.sidecar.breach;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code kinga_breach_incidents_pending{state="overdue"|"due_soon"}}: incidents awaiting
 * notification past their deadline, or due within 12 hours. Refreshed every 30 s from the
 * database, so every sidecar on it reports the same numbers; alert on {@code overdue > 0}.
 */
@ApplicationScoped
public class BreachMetrics {

    private final AtomicLong overdue = new AtomicLong();
    private final AtomicLong dueSoon = new AtomicLong();

    @Inject
    BreachRegister register;

    @Inject
    BreachClock clock;

    void register(@Observes StartupEvent start, MeterRegistry registry) {
        Gauge.builder("kinga.breach.incidents.pending", overdue, AtomicLong::get).tag("state", "overdue")
                .description("Breach incidents awaiting notification past their deadline").register(registry);
        Gauge.builder("kinga.breach.incidents.pending", dueSoon, AtomicLong::get).tag("state", "due_soon")
                .description("Breach incidents awaiting notification due within 12 hours").register(registry);
    }

    @Scheduled(every = "30s", delay = 1)
    void refresh() {
        Instant now = clock.now();
        List<BreachIncident> pending = register.pending();
        overdue.set(pending.stream().filter(i -> Deadlines.overdue(i, now)).count());
        dueSoon.set(pending.stream().filter(i -> Deadlines.dueSoon(i, now)).count());
    }
}
