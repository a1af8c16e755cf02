package dev.kinga.keycloak.testing;

/** The dev-only demo users of realm-config/kinga-users-0.json (documented in docs/roles.md). */
public final class DemoUsers {

    public static final String REALM = "kinga";
    public static final String PASSWORD = "Kinga-Demo-2026!";
    public static final String USER = "amani";
    public static final String THERAPIST = "wanjiru";
    public static final String PRIVACY_OFFICER = "otieno";

    public static final String SPA_CLIENT = "kinga-spa";
    public static final String SPA_REDIRECT = "http://localhost:5173/callback";

    private DemoUsers() {
    }
}
