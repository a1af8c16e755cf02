package dev.kinga.keycloak.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What users and admins do over HTTP: the admin REST API with a real admin token, the login
 * page of the browser flow, and the token endpoint.
 */
public final class KeycloakClient {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public KeycloakClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    // --- admin REST API ---------------------------------------------------------------

    /** A fresh token of the bootstrap admin (master realm, admin-cli). */
    public String adminToken() {
        HttpResponse<String> response = postForm(baseUrl + "/realms/master/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", "admin-cli",
                "username", KeycloakServer.ADMIN_USER, "password", KeycloakServer.ADMIN_PASSWORD), null);
        return json(expect(response, 200)).get("access_token").asText();
    }

    public HttpResponse<String> admin(String method, String path, Object body) {
        return send(method, baseUrl + "/admin/realms" + path, body, adminToken());
    }

    public JsonNode adminGet(String path) {
        return json(expect(admin("GET", path, null), 200));
    }

    /** Creates an enabled user with a password (and complete profile) and returns its id. */
    public String createUser(String realm, String username, String password) {
        HttpResponse<String> created = admin("POST", "/" + realm + "/users", Map.of(
                "username", username, "enabled", true, "email", username + "@it.kinga.invalid", "emailVerified", true,
                "firstName", "It", "lastName", "User",
                "credentials", java.util.List.of(Map.of("type", "password", "value", password, "temporary", false))));
        expect(created, 201);
        String location = created.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** Test-only public client that allows the password grant (realm kinga's admin-cli does not). */
    public static final String DIRECT_GRANT_CLIENT = "kinga-it-direct-grant";

    /** A password grant through {@value #DIRECT_GRANT_CLIENT}, created in the realm on first use; {@code otp} may be null. */
    public HttpResponse<String> passwordGrant(String realm, String username, String password, String otp) {
        ensureDirectGrantClient(realm);
        Map<String, String> form = new java.util.HashMap<>(Map.of("grant_type", "password", "client_id", DIRECT_GRANT_CLIENT,
                "username", username, "password", password));
        if (otp != null) {
            form.put("otp", otp);
        }
        return postForm(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token", form, null);
    }

    private synchronized void ensureDirectGrantClient(String realm) {
        if (adminGet("/" + realm + "/clients?clientId=" + DIRECT_GRANT_CLIENT).isEmpty()) {
            expect(admin("POST", "/" + realm + "/clients", Map.of("clientId", DIRECT_GRANT_CLIENT, "publicClient", true,
                    "standardFlowEnabled", false, "directAccessGrantsEnabled", true)), 201);
        }
    }

    public HttpResponse<String> send(String method, String url, Object body, String bearer) {
        return send(method, url, body, bearer, Map.of());
    }

    public HttpResponse<String> send(String method, String url, Object body, String bearer, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(write(body)));
        }
        return call(http, request.build());
    }

    // --- users through the browser flow -----------------------------------------------

    /** The login page the browser flow shows for a client, with the cookies of a fresh browser. */
    public LoginPage openLoginPage(String realm, String clientId, String redirectUri, String uiLocale) {
        return openLoginPage(new Browser(), realm, clientId, redirectUri, uiLocale, Map.of());
    }

    private LoginPage openLoginPage(Browser browser, String realm, String clientId, String redirectUri, String uiLocale,
                                    Map<String, String> extra) {
        return openLoginPage(browser, realm, clientId, redirectUri, uiLocale, extra, true);
    }

    private LoginPage openLoginPage(Browser browser, String realm, String clientId, String redirectUri, String uiLocale,
                                    Map<String, String> extra, boolean expectForm) {
        String verifier = randomUrlSafe(32);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", clientId);
        query.put("response_type", "code");
        query.put("scope", "openid");
        query.put("redirect_uri", redirectUri);
        query.put("state", randomUrlSafe(16));
        query.put("code_challenge", s256(verifier));
        query.put("code_challenge_method", "S256");
        if (uiLocale != null) {
            query.put("ui_locales", uiLocale);
        }
        query.putAll(extra);
        String url = baseUrl + "/realms/" + realm + "/protocol/openid-connect/auth?" + form(query);
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(url)).GET());
        return new LoginPage(browser, realm, clientId, redirectUri, verifier, expectForm ? expect(page, 200) : page);
    }

    /** Logs in through the real login page with PKCE and returns the token response. */
    public JsonNode browserLogin(String realm, String clientId, String redirectUri, String username, String password) {
        return openLoginPage(realm, clientId, redirectUri, null).submit(username, password);
    }

    /**
     * The OAuth 2.0 device authorization grant (RFC 8628) as a person does it: the app asks for a
     * code, the person opens the verification link in a browser and signs in there (MFA handled by
     * {@link MfaAutomation}, the consent screen accepted), the app then fetches its tokens. Pass a
     * page to sign in from that browser (its session and trusted-device cookies), or null for a new one.
     * Extra authorization parameters (acr_values, max_age, ...) go to the device request.
     */
    public JsonNode deviceLogin(String realm, String clientId, String username, String password, Page sameBrowser,
                                Map<String, String> extra) {
        Map<String, String> request = new LinkedHashMap<>(Map.of("client_id", clientId, "scope", "openid"));
        request.putAll(extra);
        JsonNode device = json(expect(postForm(baseUrl + "/realms/" + realm + "/protocol/openid-connect/auth/device", request, null), 200));
        Browser browser = sameBrowser == null ? new Browser() : sameBrowser.login.browser;
        HttpResponse<String> opened = browser.send(HttpRequest.newBuilder(URI.create(device.path("verification_uri_complete").asText())).GET());
        LoginPage login = new LoginPage(browser, realm, clientId, baseUrl + "/device-grant-has-no-redirect", null, opened);
        Page page = login.page();
        if (page.has("kc-form-login")) {
            page = page.post("kc-form-login", Map.of("username", username, "password", password, "credentialId", ""));
        }
        page = MfaAutomation.complete(username, page);
        if (page.html().contains("name=\"accept\"")) {
            page = page.postFirstForm(Map.of("accept", "Yes"));
        }
        HttpResponse<String> tokens = postForm(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token", Map.of(
                "grant_type", "urn:ietf:params:oauth:grant-type:device_code", "device_code", device.path("device_code").asText(),
                "client_id", clientId), null);
        if (tokens.statusCode() != 200) {
            throw new AssertionError("Device grant refused (" + tokens.body() + ") after the page:\n" + page.html());
        }
        return json(tokens);
    }

    /** A login page in one browser session; {@link #submit} posts its form as a person would. */
    public final class LoginPage {
        private final Browser browser;
        private final String realm;
        private final String clientId;
        private final String redirectUri;
        private final String verifier;
        private final HttpResponse<String> response;

        LoginPage(Browser browser, String realm, String clientId, String redirectUri, String verifier,
                  HttpResponse<String> response) {
            this.browser = browser;
            this.realm = realm;
            this.clientId = clientId;
            this.redirectUri = redirectUri;
            this.verifier = verifier;
            this.response = response;
        }

        public String html() {
            return response.body();
        }

        public HttpResponse<String> response() {
            return response;
        }

        /** Logs in; a second factor the user has (or must enrol) is handled by {@link MfaAutomation}. */
        public JsonNode submit(String username, String password) {
            Page page = submitCredentials(username, password);
            return MfaAutomation.complete(username, page).tokens();
        }

        /** Sets a cookie in this browser (a forged one, say) and returns this page. */
        public LoginPage withCookie(String name, String value) {
            browser.put(name, value);
            return this;
        }

        /** This login page as a {@link Page}, to follow its links. */
        public Page page() {
            return new Page(this, response);
        }

        /** Posts username and password and returns whatever comes next (an MFA page or the redirect). */
        public Page submitCredentials(String username, String password) {
            return new Page(this, response).post("kc-form-login", Map.of("username", username, "password", password,
                    "credentialId", ""));
        }
    }

    /** Whatever Keycloak answered in a login's browser session: a page with forms, or the redirect to the app. */
    public final class Page {
        private static final Pattern FORM = Pattern.compile("<form\\b[^>]*>", Pattern.CASE_INSENSITIVE);
        private final LoginPage login;
        private final HttpResponse<String> response;

        Page(LoginPage login, HttpResponse<String> response) {
            this.login = login;
            this.response = followWithinKeycloak(login, response);
        }

        /**
         * Keycloak answers some form posts with a redirect to its next page (required actions, an
         * identity provider's realm on this server): follow those, not the app's.
         */
        private HttpResponse<String> followWithinKeycloak(LoginPage login, HttpResponse<String> response) {
            HttpResponse<String> current = response;
            for (int hop = 0; hop < 8 && (current.statusCode() == 302 || current.statusCode() == 303); hop++) {
                String location = current.headers().firstValue("Location").orElse("");
                if (location.startsWith(login.redirectUri) || !current.uri().resolve(location).toString().startsWith(baseUrl + "/realms/")) {
                    break;
                }
                current = login.browser.send(HttpRequest.newBuilder(current.uri().resolve(location)).GET());
            }
            return current;
        }

        public String html() {
            return response.body();
        }

        public int status() {
            return response.statusCode();
        }

        /** The Location header of a redirect, or an empty string. */
        public String location() {
            return response.headers().firstValue("Location").orElse("");
        }

        public boolean has(String elementId) {
            return response.body().contains("id=\"" + elementId + "\"");
        }

        /** Opens a URL in this browser (a link on the page, or one from an e-mail), following Keycloak's redirects. */
        public Page open(String url) {
            return new Page(login, login.browser.send(HttpRequest.newBuilder(response.uri().resolve(url.replace("&amp;", "&"))).GET()));
        }

        /** The href of the first link whose href contains {@code fragment}, or an assertion error. */
        public String link(String fragment) {
            Matcher href = Pattern.compile("href=\"([^\"]*" + Pattern.quote(fragment) + "[^\"]*)\"").matcher(response.body());
            if (!href.find()) {
                throw new AssertionError("No link containing '" + fragment + "' on the page:\n" + response.body());
            }
            return href.group(1).replace("&amp;", "&");
        }

        /** Posts the page's first form (for pages whose form has no id), as a browser would. */
        public Page postFirstForm(Map<String, String> fields) {
            Matcher forms = FORM.matcher(response.body());
            if (forms.find()) {
                Matcher id = Pattern.compile("id=\"([^\"]+)\"").matcher(forms.group());
                if (id.find()) {
                    return post(id.group(1), fields);
                }
                Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(forms.group());
                if (action.find()) {
                    return new Page(login, login.browser.send(HttpRequest.newBuilder(response.uri().resolve(action.group(1).replace("&amp;", "&")))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form(fields)))));
                }
            }
            throw new AssertionError("No form on the page (HTTP " + response.statusCode() + "):\n" + response.body());
        }

        /** Posts the form with this id (to its action), as a browser would. */
        public Page post(String formId, Map<String, String> fields) {
            Matcher forms = FORM.matcher(response.body());
            while (forms.find()) {
                String tag = forms.group();
                if (tag.contains("id=\"" + formId + "\"")) {
                    Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(tag);
                    if (!action.find()) {
                        break;
                    }
                    String url = action.group(1).replace("&amp;", "&");
                    return new Page(login, login.browser.send(HttpRequest.newBuilder(response.uri().resolve(url))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form(fields)))));
                }
            }
            throw new AssertionError("No form '" + formId + "' on the page (HTTP " + response.statusCode() + "):\n" + response.body());
        }

        /** The redirect to the app, exchanged for tokens; fails if this is not that redirect. */
        public JsonNode tokens() {
            if (response.statusCode() != 302) {
                throw new AssertionError("Login did not redirect (status " + response.statusCode() + "):\n" + response.body());
            }
            URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
            if (!location.toString().startsWith(login.redirectUri)) {
                throw new AssertionError("Login redirected to " + location + " instead of the app");
            }
            String code = queryParameter(location, "code");
            HttpResponse<String> token = postForm(baseUrl + "/realms/" + login.realm + "/protocol/openid-connect/token", Map.of(
                    "grant_type", "authorization_code", "client_id", login.clientId, "code", code,
                    "redirect_uri", login.redirectUri, "code_verifier", login.verifier), null);
            return json(expect(token, 200));
        }

        /** A new login of the same browser: its cookies (trusted device included), a fresh authorization request. */
        public LoginPage newLogin(boolean keepSession) {
            return newLogin(keepSession, Map.of());
        }

        /** A new login of the same browser whose authorization request carries these parameters too (acr_values, max_age, ...). */
        public LoginPage newLogin(boolean keepSession, Map<String, String> extra) {
            if (!keepSession) {
                login.browser.forgetSession();
            }
            return openLoginPage(login.browser, login.realm, login.clientId, login.redirectUri, null, extra);
        }

        /**
         * A new authorization request of the same browser, whatever Keycloak answers: a login page,
         * or (the browser's session still valid) the redirect to the app with a code, for {@link #tokens()}.
         */
        public Page authorizeAgain() {
            LoginPage again = openLoginPage(login.browser, login.realm, login.clientId, login.redirectUri, null, Map.of(), false);
            return new Page(again, again.response());
        }

        /** The value of a cookie this browser holds, or null. */
        public String cookie(String name) {
            return login.browser.get(name);
        }
    }

    /**
     * One browser: keeps cookies like a browser does for http://localhost, where Secure
     * cookies are sent (Java's CookieManager would drop Keycloak's Secure cookies), each under
     * its path (two realms' session cookies have the same name), and does not follow redirects,
     * so tests see where Keycloak sends the user.
     */
    private static final class Browser {
        private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
        /** path → (name → value) */
        private final Map<String, Map<String, String>> cookies = new LinkedHashMap<>();

        HttpResponse<String> send(HttpRequest.Builder request) {
            HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
            String header = header(built.uri().getPath());
            if (!header.isEmpty()) {
                built = HttpRequest.newBuilder(built, (name, value) -> true).header("Cookie", header).build();
            }
            HttpResponse<String> response = call(http, built);
            for (String setCookie : response.headers().allValues("Set-Cookie")) {
                String[] parts = setCookie.split(";");
                int eq = parts[0].indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String path = "/";
                boolean expired = false;
                for (int i = 1; i < parts.length; i++) {
                    String attribute = parts[i].strip().toLowerCase(java.util.Locale.ROOT);
                    if (attribute.startsWith("path=")) {
                        path = parts[i].strip().substring(5);
                    } else if (attribute.equals("max-age=0")) {
                        expired = true;
                    }
                }
                String name = parts[0].substring(0, eq).strip();
                if (expired) {
                    cookies.getOrDefault(path, new LinkedHashMap<>()).remove(name);
                } else {
                    cookies.computeIfAbsent(path, k -> new LinkedHashMap<>()).put(name, parts[0].substring(eq + 1).strip());
                }
            }
            return response;
        }

        /** The cookies sent to {@code path}: those whose path is a prefix of it, the most specific first. */
        private String header(String path) {
            Map<String, String> sent = new LinkedHashMap<>();
            cookies.entrySet().stream()
                    .filter(e -> path.startsWith(e.getKey()) || path.equals(e.getKey().replaceAll("/$", "")))
                    .sorted((x, y) -> y.getKey().length() - x.getKey().length())
                    .forEach(e -> e.getValue().forEach(sent::putIfAbsent));
            return sent.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue()).collect(Collectors.joining("; "));
        }

        String get(String name) {
            return cookies.entrySet().stream().sorted((x, y) -> y.getKey().length() - x.getKey().length())
                    .map(e -> e.getValue().get(name)).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        }

        /** Sets a cookie's value under every path that holds it (or at "/" when none does). */
        void put(String name, String value) {
            boolean replaced = false;
            for (Map<String, String> byName : cookies.values()) {
                if (byName.containsKey(name)) {
                    byName.put(name, value);
                    replaced = true;
                }
            }
            if (!replaced) {
                cookies.computeIfAbsent("/", k -> new LinkedHashMap<>()).put(name, value);
            }
        }

        void forgetSession() {
            cookies.values().forEach(byName -> byName.keySet().removeIf(n -> n.startsWith("KEYCLOAK_") || n.startsWith("AUTH_SESSION")));
        }
    }

    public HttpResponse<String> postForm(String url, Map<String, String> fields, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields)));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return call(http, request.build());
    }

    /** The decoded payload of a JWT. */
    public static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        return readJson(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    public static JsonNode json(HttpResponse<String> response) {
        return readJson(response.body());
    }

    public static HttpResponse<String> expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError("Expected HTTP " + status + " from " + response.request().method() + " "
                    + response.uri() + " but got " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    // --- plumbing -------------------------------------------------------------------------

    private static HttpResponse<String> call(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + text, e);
        }
    }

    private static String write(Object body) {
        try {
            return body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String queryParameter(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("No " + name + " in " + uri);
    }

    private static String randomUrlSafe(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
