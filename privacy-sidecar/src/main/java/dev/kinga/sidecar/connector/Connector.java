package dev.kinga.sidecar.connector;

/** A connector as the jobs call it, wherever it was registered. */
public record Connector(String name, String url, String secret, String source) {
    public static final String CONFIGURATION = "configuration";
    public static final String API = "api";
}
