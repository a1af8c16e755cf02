package dev.kinga.keycloak.mfa.trust;

import dev.kinga.keycloak.mfa.model.MfaIds;
import dev.kinga.keycloak.mfa.model.TrustedDeviceData;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.NewCookie;
import org.keycloak.common.util.Time;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * "Trust this device": an opaque cookie {@code <credential id>.<256-bit secret>} (HttpOnly,
 * Secure, SameSite=Lax, scoped to the realm) and a {@value #TYPE} credential of the user holding
 * SHA-256 of the secret, the expiry and a coarse device name. Listed and removable in the account
 * console; removed when the password is reset or a second factor is removed ({@link MfaEventListener}).
 */
public final class TrustedDevices {

    private static final String TYPE = MfaIds.TRUSTED_DEVICE;
    static final String COOKIE = "KINGA_TRUSTED_DEVICE";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TrustedDevices() {
    }

    /** Trusts this browser for {@code days}; returns the credential id. */
    public static String trust(KeycloakSession session, RealmModel realm, UserModel user, int days, String userAgent) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        long expiresAt = Time.currentTime() + days * 86_400L;
        String device = deviceName(userAgent);
        CredentialModel model = new CredentialModel();
        model.setType(TYPE);
        model.setCreatedDate(Time.currentTimeMillis());
        model.setUserLabel(uniqueLabel(user, device + ", until " + Instant.ofEpochSecond(expiresAt).toString().substring(0, 10)));
        model.setSecretData(new TrustedDeviceData.Secret(sha256(user.getId(), secret), true).json());
        model.setCredentialData(new TrustedDeviceData.Data(expiresAt, device).json());
        CredentialModel stored = user.credentialManager().createStoredCredential(model);
        String value = stored.getId() + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        session.getContext().getHttpResponse().setCookieIfAbsent(new NewCookie.Builder(COOKIE)
                .value(value).path(cookiePath(session, realm)).maxAge(days * 86_400).secure(true).httpOnly(true)
                .sameSite(NewCookie.SameSite.LAX).build());
        return stored.getId();
    }

    /**
     * Keycloak refuses two credentials of a type with one label: a second browser of the same kind
     * trusted on the same day gets "(2)", "(3)", … instead of failing the login.
     */
    private static String uniqueLabel(UserModel user, String label) {
        java.util.Set<String> taken = user.credentialManager().getStoredCredentialsByTypeStream(TYPE)
                .map(CredentialModel::getUserLabel).collect(java.util.stream.Collectors.toSet());
        String unique = label;
        for (int n = 2; taken.contains(unique); n++) {
            unique = label + " (" + n + ")";
        }
        return unique;
    }

    /** The id of the user's unexpired trusted device this browser proves, or null. */
    public static String recognise(KeycloakSession session, UserModel user) {
        Cookie cookie = session.getContext().getRequestHeaders().getCookies().get(COOKIE);
        if (cookie == null || cookie.getValue() == null || cookie.getValue().length() > 200) {
            return null;
        }
        String[] parts = cookie.getValue().split("\\.");
        if (parts.length != 2 || parts[0].length() > 36) {
            return null;
        }
        CredentialModel credential = user.credentialManager().getStoredCredentialById(parts[0]);
        if (credential == null || !TYPE.equals(credential.getType())) {
            return null;
        }
        try {
            byte[] secret = Base64.getUrlDecoder().decode(parts[1]);
            TrustedDeviceData.Secret stored = TrustedDeviceData.Secret.parse(credential.getSecretData());
            String presented = stored.bound() ? sha256(user.getId(), secret) : sha256(secret);
            boolean match = MessageDigest.isEqual(presented.getBytes(StandardCharsets.US_ASCII),
                    stored.sha256().getBytes(StandardCharsets.US_ASCII));
            return match && Time.currentTime() < TrustedDeviceData.Data.parse(credential.getCredentialData()).expiresAt()
                    ? credential.getId() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Removes the user's expired trusted devices (each login of the user sweeps them); returns how many. */
    public static int purgeExpired(UserModel user) {
        long now = Time.currentTime();
        List<String> expired = user.credentialManager().getStoredCredentialsByTypeStream(TYPE)
                .filter(c -> expiresAt(c) <= now).map(CredentialModel::getId).toList();
        expired.forEach(id -> user.credentialManager().removeStoredCredentialById(id));
        return expired.size();
    }

    private static long expiresAt(CredentialModel credential) {
        return TrustedDeviceData.Data.parse(credential.getCredentialData()).expiresAt();
    }

    /** Removes every trusted device of the user; returns how many. */
    public static int revokeAll(UserModel user) {
        List<String> ids = user.credentialManager().getStoredCredentialsByTypeStream(TYPE).map(CredentialModel::getId).toList();
        ids.forEach(id -> user.credentialManager().removeStoredCredentialById(id));
        return ids.size();
    }

    private static String cookiePath(KeycloakSession session, RealmModel realm) {
        return session.getContext().getUri().getBaseUri().getPath().replaceAll("/$", "") + "/realms/" + realm.getName() + "/";
    }

    /** "Firefox on Linux": enough to recognise a device in a list, not a fingerprint. */
    static String deviceName(String userAgent) {
        String ua = userAgent == null ? "" : userAgent;
        String browser = ua.contains("Edg/") ? "Edge" : ua.contains("Firefox/") ? "Firefox"
                : ua.contains("Chrome/") || ua.contains("Chromium/") ? "Chrome" : ua.contains("Safari/") ? "Safari" : "Browser";
        String os = ua.contains("Android") ? "Android" : ua.contains("iPhone") || ua.contains("iPad") ? "iOS"
                : ua.contains("Windows") ? "Windows" : ua.contains("Mac OS") ? "macOS" : ua.contains("Linux") ? "Linux" : "unknown system";
        return browser + " on " + os;
    }

    /** Bound to its user: a stored hash copied to another user's credentials matches nothing there. */
    private static String sha256(String userId, byte[] secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((TYPE + ":" + userId + ":").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(secret));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
