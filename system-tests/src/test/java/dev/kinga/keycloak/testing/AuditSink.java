package dev.kinga.keycloak.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A real HTTP receiver for the audit forwarder. {@link #down()} closes the port (deliveries
 * fail with connection refused), {@link #up()} opens it again on the same port.
 */
public final class AuditSink {

    /**
     * One record as received, with the receiver's clock (epoch ms): alone in a POST (its
     * {@code Idempotency-Key} header names it) or one of a batch (a JSON array; its own id names it).
     */
    public record Delivery(String recordId, boolean batched, JsonNode record, long receivedAt) {
    }

    private final int port;
    private final List<Delivery> deliveries = new ArrayList<>();
    private volatile Predicate<JsonNode> refused = record -> false;
    private volatile boolean namesRefused;
    private HttpServer server;

    public AuditSink(int port) {
        this.port = port;
    }

    public String url() {
        return "http://localhost:" + port + "/audit";
    }

    public synchronized void up() {
        if (server != null) {
            return;
        }
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/audit", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                JsonNode received = KeycloakClient.JSON.readTree(new String(body.readAllBytes(), StandardCharsets.UTF_8));
                List<JsonNode> records = new ArrayList<>();
                received.forEach(records::add);
                if (!received.isArray()) {
                    records = List.of(received);
                }
                int refusedAt = -1;
                for (int i = 0; i < records.size() && refusedAt < 0; i++) {
                    refusedAt = refused.test(records.get(i)) ? i : -1;
                }
                if (refusedAt >= 0 && (!received.isArray() || !namesRefused)) {
                    // refused for what it is, every time; a batch holding it is refused whole, without saying
                    // which record (as a plain webhook would), so the forwarder falls back to one record per POST
                    exchange.sendResponseHeaders(413, -1);
                    return;
                }
                long now = System.currentTimeMillis();
                int taken = refusedAt < 0 ? records.size() : refusedAt;
                synchronized (this) {
                    for (JsonNode record : records.subList(0, taken)) {
                        deliveries.add(received.isArray()
                                ? new Delivery(record.path("id").asText(null), true, record, now)
                                : new Delivery(exchange.getRequestHeaders().getFirst("Idempotency-Key"), false, record, now));
                    }
                }
                if (refusedAt >= 0) {
                    // as the sidecar's intake answers: the records before the index were taken
                    StringBuilder ids = new StringBuilder();
                    for (JsonNode record : records.subList(0, refusedAt)) {
                        ids.append(ids.isEmpty() ? "" : ",").append("{\"recordId\":\"").append(record.path("id").asText()).append("\"}");
                    }
                    byte[] answer = ("{\"error\":\"invalid_record\",\"index\":" + refusedAt + ",\"taken\":[" + ids + "]}")
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(422, answer.length);
                    exchange.getResponseBody().write(answer);
                    return;
                }
                exchange.sendResponseHeaders(204, -1);
            } catch (IOException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /**
     * Stops the sink. The lock is not held while stopping: stop() waits for the dispatcher, which
     * may be inside the handler waiting for this lock to record a delivery (a deadlock otherwise).
     */
    public void down() {
        HttpServer stopping;
        synchronized (this) {
            stopping = server;
            server = null;
        }
        if (stopping != null) {
            stopping.stop(0);
        }
    }

    /** From now on, answers {@code 413} to the records that match (none by default), and to a batch holding one. */
    public void refuse(Predicate<JsonNode> records) {
        refuse(records, false);
    }

    /**
     * From now on, refuses the records that match; with {@code nameIt}, a batch holding one is
     * answered as the sidecar's intake answers it ({@code 422} with the record's {@code index},
     * the records before it taken), else with {@code 413} for the whole batch.
     */
    public void refuse(Predicate<JsonNode> records, boolean nameIt) {
        namesRefused = nameIt;
        refused = records;
    }

    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }
}
