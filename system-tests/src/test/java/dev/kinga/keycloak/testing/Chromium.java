package dev.kinga.keycloak.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium driven over the DevTools protocol (a WebSocket; no driver, no extra
 * dependency): navigate, run script in the page, wait for elements, take screenshots.
 */
public final class Chromium implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    public static Chromium launch() throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("kinga-chromium");
        Process process = new ProcessBuilder(BINARY.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--window-size=1000,1300", "about:blank").redirectErrorStream(true).start();
        String browserUrl = null;
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Instant deadline = Instant.now().plus(WAIT);
        String line;
        while (browserUrl == null && Instant.now().isBefore(deadline) && (line = out.readLine()) != null) {
            Matcher m = DEVTOOLS.matcher(line);
            if (m.find()) {
                browserUrl = m.group(1);
            }
        }
        if (browserUrl == null) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium did not start its DevTools endpoint");
        }
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "chromium-output");
        drain.setDaemon(true);
        drain.start();
        URI browser = URI.create(browserUrl);
        HttpClient http = HttpClient.newHttpClient();
        String pageSocket = null;
        for (int i = 0; i < 50 && pageSocket == null; i++) {
            HttpResponse<String> targets = http.send(HttpRequest.newBuilder(
                    URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode target : KeycloakClient.JSON.readTree(targets.body())) {
                if ("page".equals(target.path("type").asText())) {
                    pageSocket = target.path("webSocketDebuggerUrl").asText();
                }
            }
            if (pageSocket == null) {
                Thread.sleep(100);
            }
        }
        if (pageSocket == null) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium has no page to drive");
        }
        Chromium[] self = new Chromium[1];
        StringBuilder partial = new StringBuilder();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String message = partial.toString();
                    partial.setLength(0);
                    self[0].receive(message);
                }
                ws.request(1);
                return null;
            }
        }).join();
        self[0] = new Chromium(process, profile, socket);
        self[0].call("Page.enable", KeycloakClient.JSON.createObjectNode());
        return self[0];
    }

    private void receive(String message) {
        try {
            JsonNode json = KeycloakClient.JSON.readTree(message);
            if (json.has("id")) {
                CompletableFuture<JsonNode> future = pending.remove(json.path("id").asInt());
                if (future != null) {
                    future.complete(json);
                }
            }
        } catch (IOException e) {
            // not JSON: ignore
        }
    }

    public JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> future = new CompletableFuture<>();
        pending.put(id, future);
        ObjectNode message = KeycloakClient.JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        socket.sendText(message.toString(), true).join();
        try {
            JsonNode answer = future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (answer.has("error")) {
                throw new IllegalStateException(method + ": " + answer.path("error"));
            }
            return answer.path("result");
        } catch (Exception e) {
            throw new IllegalStateException("DevTools call " + method + " failed: " + e.getMessage(), e);
        }
    }

    public void open(String url) {
        JsonNode result = call("Page.navigate", KeycloakClient.JSON.createObjectNode().put("url", url));
        if (result.hasNonNull("errorText")) {
            throw new IllegalStateException("Chromium could not open " + url + ": " + result.path("errorText").asText());
        }
    }

    /** Runs script in the page and returns its (JSON) value. */
    public JsonNode eval(String script) {
        JsonNode result = call("Runtime.evaluate", KeycloakClient.JSON.createObjectNode()
                .put("expression", script).put("returnByValue", true).put("awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("Script failed: " + result.path("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Waits until a loaded page has an element with this id. */
    public void waitFor(String elementId) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (eval("document.readyState === 'complete' && !!document.getElementById(" + quote(elementId) + ")").asBoolean()) {
                    return;
                }
            } catch (IllegalStateException navigating) {
                // the page is being replaced
            }
            Thread.sleep(100);
        }
        throw new AssertionError("No element #" + elementId + " on " + url() + ":\n" + eval("document.body ? document.body.innerText : ''").asText());
    }

    /** Waits until a script condition holds on a loaded page (e.g. an element is shown). */
    public void waitUntil(String condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (eval("document.readyState === 'complete' && !!(" + condition + ")").asBoolean()) {
                    return;
                }
            } catch (IllegalStateException navigating) {
                // the page is being replaced
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Never " + what + " on " + url() + ":\n" + eval("document.body ? document.body.innerText : ''").asText());
    }

    /** Waits until the address starts with {@code prefix} (e.g. the app's redirect URI). */
    public String waitForUrl(String prefix) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            try {
                String url = url();
                if (url.startsWith(prefix)) {
                    return url;
                }
            } catch (IllegalStateException navigating) {
                // between documents: ask again
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Never reached " + prefix + "; at " + url());
    }

    /** The address of the current history entry: for a failed navigation (the app is not running) the one attempted. */
    public String url() {
        JsonNode history = call("Page.getNavigationHistory", KeycloakClient.JSON.createObjectNode());
        return history.path("entries").path(history.path("currentIndex").asInt()).path("url").asText();
    }

    public void type(String elementId, String text) {
        eval("(() => { const e = document.getElementById(" + quote(elementId) + "); e.focus(); e.value = " + quote(text) + "; })()");
    }

    public void click(String elementId) {
        eval("document.getElementById(" + quote(elementId) + ").click()");
    }

    public String text(String elementId) {
        return eval("document.getElementById(" + quote(elementId) + ").textContent").asText();
    }

    public void clearCookies() {
        call("Network.clearBrowserCookies", KeycloakClient.JSON.createObjectNode());
    }

    public Path screenshot(Path file) throws IOException {
        JsonNode shot = call("Page.captureScreenshot", KeycloakClient.JSON.createObjectNode().put("format", "png")
                .put("captureBeyondViewport", true));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
        return file;
    }

    private static String quote(String s) {
        return KeycloakClient.JSON.valueToTree(s).toString();
    }

    @Override
    public void close() throws IOException {
        socket.abort();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly); // helpers still writing to the profile
        // a helper may still create or remove a file while the profile is deleted: try again
        for (int attempt = 0; attempt < 5 && Files.exists(profile); attempt++) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.UncheckedIOException | IOException raced) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
