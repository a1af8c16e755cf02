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

    /** One POST as received, with the receiver's clock (epoch ms). */
    public record Delivery(String idempotencyKey, JsonNode record, long receivedAt) {
    }

    private final int port;
    private final List<Delivery> deliveries = new ArrayList<>();
    private volatile Predicate<JsonNode> refused = record -> false;
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
                JsonNode record = KeycloakClient.JSON.readTree(new String(body.readAllBytes(), StandardCharsets.UTF_8));
                if (refused.test(record)) {
                    exchange.sendResponseHeaders(413, -1); // refused for what it is, every time
                    return;
                }
                synchronized (this) {
                    deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("Idempotency-Key"), record,
                            System.currentTimeMillis()));
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

    /** From now on, answers {@code 413} to the records that match (none by default). */
    public void refuse(Predicate<JsonNode> records) {
        refused = records;
    }

    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }
}
