import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The privacy sidecar's client key (private_key_jwt): no secret an admin could read in Keycloak.
 * <pre>
 * java scripts/DevClientKey.java KEY_FILE
 *     makes KEY_FILE (RSA 2048, PKCS#8 PEM, owner-only) unless it exists, and prints its public key
 *     (base64 SubjectPublicKeyInfo: KINGA_SIDECAR_PUBLIC_KEY for docker-compose's realm import)
 * java scripts/DevClientKey.java KEY_FILE BASE_URL ADMIN_USER ADMIN_PASSWORD|- REALM CLIENT_ID
 *     the same, then registers the public key on the realm's client with the bootstrap admin
 *     (./kinga run, ./kinga cluster); the password is read from KINGA_ADMIN_PASSWORD when it is "-"
 * </pre>
 */
public class DevClientKey {

    public static void main(String[] args) throws Exception {
        if (args.length != 1 && args.length != 6) {
            System.err.println("usage: DevClientKey KEY_FILE [BASE_URL ADMIN_USER ADMIN_PASSWORD|- REALM CLIENT_ID]");
            System.exit(2);
        }
        String publicKey = publicKey(ensureKey(Path.of(args[0])));
        if (args.length == 1) {
            System.out.println(publicKey);
            return;
        }
        String base = args[1];
        String password = "-".equals(args[3]) ? System.getenv("KINGA_ADMIN_PASSWORD") : args[3];
        HttpClient http = HttpClient.newHttpClient();
        String form = "grant_type=password&client_id=admin-cli&username=" + enc(args[2]) + "&password=" + enc(password);
        String token = field(send(http, HttpRequest.newBuilder(URI.create(base + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build()), "access_token");
        String clients = send(http, HttpRequest.newBuilder(URI.create(base + "/admin/realms/" + enc(args[4])
                + "/clients?clientId=" + enc(args[5]))).header("Authorization", "Bearer " + token).GET().build());
        String id = field(clients, "id");
        // A partial representation: only what it names changes.
        String update = "{\"clientAuthenticatorType\":\"client-jwt\",\"attributes\":{\"jwt.credential.public.key\":\"" + publicKey
                + "\",\"jwt.credential.kid\":\"kinga-sidecar\",\"token.endpoint.auth.signing.alg\":\"RS256\"}}";
        send(http, HttpRequest.newBuilder(URI.create(base + "/admin/realms/" + enc(args[4]) + "/clients/" + id))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(update)).build());
    }

    private static PrivateKey ensureKey(Path file) throws Exception {
        if (!Files.exists(file)) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
            Files.createDirectories(file.toAbsolutePath().getParent());
            try {
                // owner-only from the first byte, whatever the umask
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
                    + "\n-----END PRIVATE KEY-----\n");
        }
        String body = Files.readString(file).replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    private static String publicKey(PrivateKey key) throws Exception {
        RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) key;
        return Base64.getEncoder().encodeToString(KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent())).getEncoded());
    }

    private static String send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
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
