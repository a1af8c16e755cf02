package dev.kinga.sidecar.breach;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/**
 * A real SMTP server (GreenMail) in the test JVM, which the sidecar's mailer sends to. It can be
 * stopped and started again on the same port to make deliveries fail.
 */
public class MailServer implements QuarkusTestResourceLifecycleManager {

    private static GreenMail mail;
    private static int port;

    @Override
    public Map<String, String> start() {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        up();
        return Map.of("quarkus.mailer.host", "127.0.0.1", "quarkus.mailer.port", Integer.toString(port));
    }

    @Override
    public void stop() {
        down();
    }

    public static synchronized void up() {
        if (mail == null) {
            mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            mail.start();
        }
    }

    public static synchronized void down() {
        if (mail != null) {
            mail.stop();
            mail = null;
        }
    }

    /** Every message the server took since it was last started, to anyone. */
    public static synchronized List<MimeMessage> received() {
        return mail == null ? List.of() : List.of(mail.getReceivedMessages());
    }
}
