package dev.kinga.keycloak.roles;

import java.util.List;

/**
 * The role catalogue cannot be used. The message names the file and every offending entry
 * (as a path such as {@code roles.therapist.includes[0]}); nothing is seeded from it.
 */
public class InvalidCatalogueException extends RuntimeException {

    private final List<String> problems;

    public InvalidCatalogueException(String source, List<String> problems) {
        super("Invalid Kinga role catalogue " + source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
