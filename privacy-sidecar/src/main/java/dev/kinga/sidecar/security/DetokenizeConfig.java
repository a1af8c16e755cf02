package dev.kinga.sidecar.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code kinga.detokenize.*}: the recent MFA sign-in that revealing personal data asks for ({@link StepUp}). */
@ConfigMapping(prefix = "kinga.detokenize")
public interface DetokenizeConfig {

    /** How recent the sign-in must be. */
    @WithDefault("PT5M")
    Duration maxAuthAge();

    /** {@code amr} values that count as MFA. */
    @WithDefault("mfa")
    List<String> amr();

    /** {@code acr} values that count as MFA too. */
    Optional<List<String>> acrValues();

    /** The {@code acr_values} a client is told to ask Keycloak for when it steps up. */
    @WithDefault("kinga-mfa")
    String challengeAcr();
}
