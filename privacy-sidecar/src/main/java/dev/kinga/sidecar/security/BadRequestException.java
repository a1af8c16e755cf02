package dev.kinga.sidecar.security;

/** A request the service understood but cannot accept; the message names the field. Mapped to 400. */
public class BadRequestException extends RuntimeException {

    public BadRequestException(String message) {
        super(message);
    }
}
