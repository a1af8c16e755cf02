package dev.kinga.sidecar.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.kinga.sidecar.dsr.PersonalDataStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;

/**
 * A person's vault tokens in their data-subject requests: the export lists each token and its type
 * (never the value); erasure crypto-shreds the values ({@link TokenVault#shred}).
 */
@ApplicationScoped
public class TokensOfSubject implements PersonalDataStore {

    @Inject
    TokenVault vault;

    @Inject
    ObjectMapper json;

    @Override
    public String name() {
        return "tokens";
    }

    @Override
    public JsonNode export(String subjectId) {
        ArrayNode out = json.createArrayNode();
        for (Object[] token : vault.tokensOf(subjectId)) {
            out.addObject().put("token", (String) token[0]).put("type", (String) token[1]).put("createdAt", token[2].toString());
        }
        return out;
    }

    @Override
    public Map<String, Integer> erase(String subjectId) {
        return Map.of("tokensShredded", vault.shred(subjectId));
    }
}
