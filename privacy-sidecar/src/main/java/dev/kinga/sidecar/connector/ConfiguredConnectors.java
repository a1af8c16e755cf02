package dev.kinga.sidecar.connector;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The connectors named in configuration ({@code kinga.connectors."<name>".url} and {@code .secret}),
 * checked once at start, and the rules every connector's name, URL and secret follow, wherever it
 * is registered ({@link ConnectorRegistry} holds those registered through the API).
 */
@ApplicationScoped
public class ConfiguredConnectors {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    static final int MIN_SECRET = 32;
    static final int MAX_SECRET = 256;

    @ConfigMapping(prefix = "kinga.connectors")
    public interface Config {
        /** Connectors by name: {@code kinga.connectors."<name>".url} and {@code .secret}. */
        @WithParentName
        Map<String, Entry> connectors();

        interface Entry {
            /** Base URL; the sidecar POSTs to {@code <url>/export} and {@code <url>/erase}. */
            String url();

            /** The HMAC key both sides hold (32+ characters), from configuration, never the database. */
            String secret();
        }
    }

    @Inject
    Config config;

    /** The configured connectors, checked once at start. */
    private volatile Map<String, Connector> configured;

    /** A wrong connector configuration stops the start, rather than the first erasure. */
    void validate(@Observes StartupEvent start) {
        configured();
    }

    /** The configured connectors; refuses to start on a bad name, URL or secret. */
    Map<String, Connector> configured() {
        Map<String, Connector> checked = configured;
        if (checked != null) {
            return checked;
        }
        Map<String, Connector> sorted = new TreeMap<>();
        config.connectors().forEach((name, c) -> {
            String problem = problem(name, c.url(), c.secret());
            if (problem != null) {
                throw new IllegalStateException("kinga.connectors." + name + ": " + problem);
            }
            sorted.put(name, new Connector(name, c.url(), c.secret(), Connector.CONFIGURATION));
        });
        configured = Map.copyOf(sorted);
        return configured;
    }

    /** What is wrong with a connector's name, URL or secret, or null. */
    static String problem(String name, String url, String secret) {
        if (name == null || !NAME.matcher(name).matches()) {
            return "a name is 1 to 64 lower-case letters, digits and '-', starting with a letter or digit";
        }
        if (url == null || url.length() > 2000 || !acceptable(url)) {
            return "url must be an https URL (http only to this machine) without user info, query or fragment";
        }
        if (secret == null || secret.length() < MIN_SECRET || secret.length() > MAX_SECRET) {
            return "secret must have " + MIN_SECRET + " to " + MAX_SECRET + " characters";
        }
        return null;
    }

    /** https, or http to this machine only (a sidecar next to the app); no credentials, query or fragment in it. */
    static boolean acceptable(String url) {
        try {
            URI uri = URI.create(url);
            boolean loopback = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost()) || "[::1]".equals(uri.getHost());
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()) && loopback)
                    && uri.getHost() != null && uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
