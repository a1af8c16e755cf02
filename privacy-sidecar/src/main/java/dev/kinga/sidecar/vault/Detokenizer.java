package dev.kinga.sidecar.vault;

import dev.kinga.sidecar.audit.AuditTrail;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Detokenization as one transaction: the values are read and the trail record (who, when, the
 * stated purpose, how many and which tokens, never a value) is appended together, so no value
 * leaves the vault without its record.
 */
@ApplicationScoped
public class Detokenizer {

    @Inject
    TokenVault vault;

    @Inject
    AuditTrail trail;

    /** A caller with the permission but without a recent MFA sign-in: the attempt is recorded, nothing is read. */
    @Transactional
    public void refused(List<String> tokens, String purpose, JsonWebToken caller, String reason) {
        Map<String, Object> details = asked(tokens, purpose);
        details.put("reason", reason);
        trail.append(AuditTrail.DETOKENIZE_REFUSED, caller, details);
    }

    @Transactional
    public TokenVault.Opened detokenize(List<String> tokens, String purpose, JsonWebToken caller) {
        TokenVault.Opened opened = vault.open(tokens);
        Map<String, Object> details = asked(tokens, purpose);
        details.put("revealed", opened.values().size());
        details.put("unknown", opened.unknown().size());
        details.put("unreadable", opened.unreadable().size());
        details.put("shredded", opened.shredded().size());
        return opened.recordedAs(trail.append(AuditTrail.DETOKENIZE, caller, details).seq);
    }

    /** What was asked: the purpose, how many tokens and which (ids, never values). */
    private static Map<String, Object> asked(List<String> tokens, String purpose) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("purpose", purpose);
        details.put("tokenCount", tokens.size());
        details.put("tokenIds", tokens.stream().distinct().toList());
        return details;
    }
}
