package dev.kinga.sidecar.security;

/** A request that needs a permission the caller lacks, beyond the endpoint's own; mapped to 403 naming both. */
public class MissingPermissionException extends RuntimeException {

    public MissingPermissionException(String what, String permission) {
        super(what + ": it needs the permission " + permission);
    }
}
