package dev.kinga.keycloak.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP relay to a real server that starts listening only when told to: a database that is not
 * answering yet (a sidecar started before PostgreSQL accepts it), then answers through the relay.
 */
public final class TcpRelay implements AutoCloseable {

    private final int port = KeycloakServer.freePort();
    private final String targetHost;
    private final int targetPort;
    private ServerSocket server;

    public TcpRelay(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    /** The port callers use; nothing listens on it until {@link #open()}. */
    public int port() {
        return port;
    }

    public synchronized void open() throws IOException {
        server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-relay-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket caller = server.accept();
                Socket target = new Socket(targetHost, targetPort);
                pipe(caller, target);
                pipe(target, caller);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ended) {
                // one side closed: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-relay-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }
}
