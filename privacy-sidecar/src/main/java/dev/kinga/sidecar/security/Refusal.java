package dev.kinga.sidecar.security;

/**
 * A request the service will not carry out as asked, with the HTTP status and the
 * {@code error} code that say why; the message names no person. Mapped by {@link ErrorMappers}.
 */
public class Refusal extends RuntimeException {

    public final int status;
    public final String error;

    public Refusal(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }
}
