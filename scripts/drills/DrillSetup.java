import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The drills' callers, made with the bootstrap admin in realm kinga: API keys of the service
 * client kinga-reports-service (one per load connection, as many services would hold), and a
 * confidential client kinga-drill whose service account holds the auditor role (pii:detect) and
 * whose tokens name the sidecar as audience. Prints shell assignments for the drill scripts.
 * Usage: java scripts/drills/DrillSetup.java KEYCLOAK_URL ADMIN_USER KEYS (admin password in KINGA_ADMIN_PASSWORD).
 */
public class DrillSetup {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static String base;
    private static String token;

    public static void main(String[] args) throws Exception {
        base = args[0];
        int keys = Integer.parseInt(args[2]);
        token = field(send("POST", base + "/realms/master/protocol/openid-connect/token", "grant_type=password&client_id=admin-cli&username="
                + enc(args[1]) + "&password=" + enc(System.getenv("KINGA_ADMIN_PASSWORD")), "application/x-www-form-urlencoded", false), "access_token");
        List<String> apiKeys = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            apiKeys.add(field(send("POST", base + "/admin/realms/kinga/kinga-api-keys/clients/kinga-reports-service/keys",
                    "{\"name\":\"drill " + System.currentTimeMillis() + "-" + i + "\",\"scopes\":[\"system\"],\"expiresInDays\":1}",
                    "application/json", true), "apiKey"));
        }
        String clients = send("GET", base + "/admin/realms/kinga/clients?clientId=kinga-drill", null, null, true);
        if (!clients.contains("\"id\"")) {
            send("POST", base + "/admin/realms/kinga/clients", "{\"clientId\":\"kinga-drill\",\"publicClient\":false,"
                    + "\"serviceAccountsEnabled\":true,\"standardFlowEnabled\":false,\"directAccessGrantsEnabled\":false,"
                    + "\"protocolMappers\":[{\"name\":\"sidecar audience\",\"protocol\":\"openid-connect\",\"protocolMapper\":"
                    + "\"oidc-audience-mapper\",\"config\":{\"included.client.audience\":\"kinga-sidecar\",\"access.token.claim\":\"true\"}}]}",
                    "application/json", true);
            clients = send("GET", base + "/admin/realms/kinga/clients?clientId=kinga-drill", null, null, true);
            String id = field(clients, "id");
            String serviceAccount = field(send("GET", base + "/admin/realms/kinga/clients/" + id + "/service-account-user", null, null, true), "id");
            String auditor = send("GET", base + "/admin/realms/kinga/roles/auditor", null, null, true);
            send("POST", base + "/admin/realms/kinga/users/" + serviceAccount + "/role-mappings/realm", "[" + auditor + "]", "application/json", true);
        }
        String id = field(clients, "id");
        String secret = field(send("GET", base + "/admin/realms/kinga/clients/" + id + "/client-secret", null, null, true), "value");
        System.out.println("DRILL_API_KEYS=" + String.join(",", apiKeys));
        System.out.println("DRILL_CLIENT_ID=kinga-drill");
        System.out.println("DRILL_CLIENT_SECRET=" + secret);
    }

    private static String send(String method, String url, String body, String type, boolean bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        if (bearer) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
