package dev.kinga.sidecar.pii;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Tokenization: the same value of the same type always gets the same token; only the vault can reverse it. */
@ApplicationScoped
public class TokenVault {

    @Inject
    EntityManager em;

    @Inject
    Keys keys;

    @Transactional
    public String tokenize(EntityType type, String value) {
        String mac = keys.vaultMac(type.name(), value);
        List<PiiToken> existing = em.createQuery("select t from PiiToken t where t.valueMac = :mac", PiiToken.class)
                .setParameter("mac", mac).getResultList();
        if (!existing.isEmpty()) {
            return existing.get(0).token;
        }
        PiiToken token = new PiiToken();
        token.token = "tok_" + type.name().toLowerCase() + "_" + Keys.randomToken();
        token.entityType = type.name();
        token.valueMac = mac;
        token.ciphertext = keys.seal(value);
        token.createdAt = Instant.now();
        em.persist(token);
        return token.token;
    }

    /** Reverses tokens and records who did it; unknown tokens come back separately. */
    @Transactional
    public Map<String, String> detokenize(List<String> tokens, String actor) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String t : tokens) {
            PiiToken found = em.find(PiiToken.class, t);
            if (found != null) {
                values.put(t, keys.open(found.ciphertext));
            }
        }
        Detokenization audit = new Detokenization();
        audit.id = UUID.randomUUID().toString();
        audit.actor = actor;
        audit.at = Instant.now();
        audit.tokenCount = tokens.size();
        audit.tokens = String.join(",", tokens);
        em.persist(audit);
        return values;
    }
}
