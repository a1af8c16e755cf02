package dev.kinga.keycloak.apikey;

/** A create/rotate/revoke request that cannot be carried out; the message is safe to show the admin. */
final class InvalidKeyRequestException extends RuntimeException {

    private final int status;
    private final String error;

    InvalidKeyRequestException(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    static InvalidKeyRequestException invalid(String message) {
        return new InvalidKeyRequestException(400, "invalid_request", message);
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }
}
