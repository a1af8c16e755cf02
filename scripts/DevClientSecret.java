import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dev only (./kinga run): prints the secret Keycloak generated for a realm's client, read with
 * the bootstrap admin, so the privacy sidecar can call Keycloak as its service account.
 * Usage: java scripts/DevClientSecret.java BASE_URL ADMIN_USER ADMIN_PASSWORD REALM CLIENT_ID
 * (the admin password is read from the environment variable KINGA_ADMIN_PASSWORD when ADMIN_PASSWORD is "-").
 */
public class DevClientSecret {

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: DevClientSecret BASE_URL ADMIN_USER ADMIN_PASSWORD|- REALM CLIENT_ID");
            System.exit(2);
        }
        String base = args[0];
        String password = "-".equals(args[2]) ? System.getenv("KINGA_ADMIN_PASSWORD") : args[2];
        HttpClient http = HttpClient.newHttpClient();
        String form = "grant_type=password&client_id=admin-cli&username=" + enc(args[1]) + "&password=" + enc(password);
        String token = field(send(http, HttpRequest.newBuilder(URI.create(base + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build()), "access_token");
        String clients = send(http, HttpRequest.newBuilder(URI.create(base + "/admin/realms/" + enc(args[3])
                + "/clients?clientId=" + enc(args[4]))).header("Authorization", "Bearer " + token).GET().build());
        String id = field(clients, "id");
        String secret = send(http, HttpRequest.newBuilder(URI.create(base + "/admin/realms/" + enc(args[3])
                + "/clients/" + id + "/client-secret")).header("Authorization", "Bearer " + token).GET().build());
        System.out.println(field(secret, "value"));
    }

    private static String send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            System.err.println("Keycloak answered " + response.statusCode() + " to " + request.uri().getPath());
            System.exit(1);
        }
        return response.body();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            System.err.println("no " + name + " in Keycloak's answer");
            System.exit(1);
        }
        return m.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
