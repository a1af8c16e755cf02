package dev.kinga.sidecar.dsr;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Unit-test stand-in for Keycloak's token endpoint, user look-up and {@code kinga-privacy}
 * endpoint, with users in memory; it counts erasures and can be told to fail. The real endpoint
 * is tested against a real Keycloak (system-tests' PrivacyIT and SidecarWithKeycloakIT).
 */
public class FakeKeycloak implements QuarkusTestResourceLifecycleManager {

    static final String SECRET = "fake-sidecar-secret";
    static final Map<String, User> USERS = new ConcurrentHashMap<>();
    static final AtomicInteger FAILURES_TO_COME = new AtomicInteger();
    /** Failures of the erase call only (after the hold that precedes it succeeded). */
    static final AtomicInteger ERASE_FAILURES_TO_COME = new AtomicInteger();
    /** Erase calls per user id, whether or not the user was still there. */
    static final Map<String, AtomicInteger> ERASE_CALLS = new ConcurrentHashMap<>();
    private static final Pattern PRIVACY = Pattern.compile("/admin/realms/kinga/kinga-privacy/users/([^/]+)/(export|hold|erase)");
    /** Open sign-in sessions by sid: the user and when its sign-in passed MFA (0: not; -1: answer a 404 that is not Kinga's). */
    static final Map<String, Map.Entry<String, Long>> SESSIONS = new ConcurrentHashMap<>();
    private static final Pattern SESSION = Pattern.compile("/admin/realms/kinga/kinga-privacy/users/([^/]+)/sessions/([^/]+)");
    private static final Pattern USER = Pattern.compile("/admin/realms/kinga/kinga-privacy/users/([^/?]+)");
    private HttpServer server;

    public static final class User {
        public final String id;
        final String username;
        volatile boolean enabled = true;
        volatile Boolean wasEnabled;
        /** An account Keycloak will not hold or erase (an administrator's): 409 privileged_account. */
        volatile boolean privileged;
        volatile String email;
        volatile boolean emailVerified = true;
        volatile String firstName;
        volatile String locale;
        final AtomicInteger erasures = new AtomicInteger();

        User(String username) {
            this(UUID.randomUUID().toString(), username);
        }

        User(String id, String username) {
            this.id = id;
            this.username = username;
        }
    }

    /** Makes sure Keycloak knows an open account with this id (the subject of a token minted without one). */
    public static void knownPerson(String id) {
        USERS.computeIfAbsent(id, k -> new User(k, k));
    }

    /** Keycloak holds an open session {@code sid} of this user, whose sign-in passed MFA at {@code mfaAt} (epoch seconds; 0: no MFA). */
    public static void signedIn(String userId, String sid, long mfaAt) {
        SESSIONS.put(sid, Map.entry(userId, mfaAt));
    }

    /** A user Keycloak knows, for tests in other packages: its id. */
    public static String addUser(String username) {
        return add(username).id;
    }

    /** A user with contact details (for breach notices): its id. */
    public static String addPerson(String username, String email, String firstName, String locale) {
        User user = add(username);
        user.email = email;
        user.firstName = firstName;
        user.locale = locale;
        return user.id;
    }

    /** Whether Keycloak has the person's address as verified (an address they set themselves and never confirmed is not). */
    public static void setEmailVerified(String id, boolean verified) {
        USERS.get(id).emailVerified = verified;
    }

    public static User add(String username) {
        User user = new User(username);
        USERS.put(user.id, user);
        return user;
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
        return Map.of("kinga.keycloak.url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "kinga.keycloak.client-secret", SECRET);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/realms/kinga/protocol/openid-connect/token")) {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!form.contains("client_secret=" + SECRET)) {
                answer(exchange, 401, "{\"error\":\"unauthorized_client\"}");
                return;
            }
            answer(exchange, 200, "{\"access_token\":\"fake-token\",\"expires_in\":300}");
            return;
        }
        if (!"Bearer fake-token".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            answer(exchange, 401, "{}");
            return;
        }
        Matcher signIn = SESSION.matcher(path);
        if (signIn.matches() && method.equals("GET")) {
            Map.Entry<String, Long> open = SESSIONS.get(signIn.group(2));
            if (open != null && open.getValue() < 0) {
                answer(exchange, 404, "<html>Not Found</html>"); // a Keycloak without Kinga's session look-up
            } else if (open == null || !open.getKey().equals(signIn.group(1))) {
                answer(exchange, 404, "{\"error\":\"session_not_found\"}");
            } else {
                answer(exchange, 200, "{\"active\":true,\"mfaAt\":" + open.getValue() + "}");
            }
            return;
        }
        Matcher privacy = PRIVACY.matcher(path);
        if (privacy.matches()) {
            if (privacy.group(2).equals("erase")) {
                ERASE_CALLS.computeIfAbsent(privacy.group(1), k -> new AtomicInteger()).incrementAndGet();
            }
            User user = USERS.get(privacy.group(1));
            if (user == null && privacy.group(2).equals("erase")) {
                answer(exchange, 200, "{\"userId\":\"" + privacy.group(1) + "\",\"keycloak\":{\"user\":0},\"userAlreadyGone\":true}");
                return;
            }
            if (user == null) {
                answer(exchange, 404, "{\"error\":\"user_not_found\"}");
                return;
            }
            if (user.privileged && method.equals("POST")) {
                answer(exchange, 409, "{\"error\":\"privileged_account\",\"error_description\":\"x\"}");
                return;
            }
            if (FAILURES_TO_COME.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                answer(exchange, 503, "{}");
                return;
            }
            switch (privacy.group(2) + " " + method) {
                case "export GET" -> answer(exchange, 200, "{\"schema\":\"kinga.keycloak-user-export/1\",\"profile\":{\"id\":\""
                        + user.id + "\",\"username\":\"" + user.username + "\"},\"auditRecords\":[{},{}],\"events\":[{}]}");
                case "hold POST" -> {
                    if (user.wasEnabled == null) {
                        user.wasEnabled = user.enabled;
                        user.enabled = false;
                    }
                    answer(exchange, 200, "{\"wasEnabled\":" + user.wasEnabled + "}");
                }
                case "hold DELETE" -> {
                    if (user.wasEnabled == null) {
                        answer(exchange, 404, "{\"error\":\"no_hold\"}");
                    } else {
                        user.enabled = user.wasEnabled;
                        user.wasEnabled = null;
                        answer(exchange, 200, "{}");
                    }
                }
                case "erase POST" -> {
                    if (ERASE_FAILURES_TO_COME.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        answer(exchange, 503, "{}");
                        return;
                    }
                    user.erasures.incrementAndGet();
                    USERS.remove(user.id);
                    answer(exchange, 200, "{\"userId\":\"" + user.id + "\",\"keycloak\":{\"user\":1},\"audit\":{\"personalPartsErased\":3}}");
                }
                default -> answer(exchange, 405, "{}");
            }
            return;
        }
        if (path.equals("/admin/realms/kinga/kinga-privacy/users")) {
            String query = exchange.getRequestURI().getQuery();
            String username = query.replaceAll(".*username=([^&]*).*", "$1");
            StringBuilder found = new StringBuilder("[");
            USERS.values().stream().filter(u -> u.username.equals(username)).findFirst()
                    .ifPresent(u -> found.append("{\"id\":\"").append(u.id).append("\",\"username\":\"").append(u.username).append("\"}"));
            answer(exchange, 200, found.append("]").toString());
            return;
        }
        Matcher user = USER.matcher(path);
        if (user.matches()) {
            User u = USERS.get(user.group(1));
            answer(exchange, u == null ? 404 : 200, u == null ? "{}" : "{\"id\":\"" + u.id + "\",\"username\":\"" + u.username + "\""
                    + ",\"enabled\":" + u.enabled
                    + (u.email == null ? "" : ",\"email\":\"" + u.email.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                    + ",\"emailVerified\":" + u.emailVerified
                    + (u.firstName == null ? "" : ",\"firstName\":\"" + u.firstName + "\"")
                    + (u.locale == null ? "" : ",\"locale\":\"" + u.locale + "\"") + "}");
            return;
        }
        answer(exchange, 404, "{}");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
