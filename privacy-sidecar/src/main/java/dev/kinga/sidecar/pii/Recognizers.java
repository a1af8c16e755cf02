package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.pii.model.EntityType;
import java.util.List;

/**
 * The registry: every recognizer the engine runs, one per entity type. To add a type, write a
 * {@link Recognizer} (its triggers, validator and {@link Context} words), list it here and add
 * the type to {@link EntityType}; the engine, the API and the anonymization operators pick it up.
 */
final class Recognizers {

    private Recognizers() {
    }

    static List<Recognizer> all(List<String> phoneRegions) {
        return List.of(
                new EmailRecognizer(),
                new PhoneRecognizer(phoneRegions),
                new CreditCardRecognizer(),
                new IbanRecognizer(),
                new IpAddressRecognizer(),
                new UsSsnRecognizer(),
                new KeNationalIdRecognizer(),
                new KraPinRecognizer(),
                new UgNinRecognizer(),
                new DateOfBirthRecognizer(),
                new PersonRecognizer());
    }
}
