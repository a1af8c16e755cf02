package dev.kinga.sidecar.vault;

/**
 * How a value becomes a token. {@link #RANDOM} (the default): a new token every time, so tokens
 * reveal nothing, not even that two records hold the same value. {@link #DETERMINISTIC}: within a
 * named token domain the same value always gets the same token, so tokenized data can still be
 * joined and counted, at the price that equal values are visible as equal tokens and that whoever
 * may tokenize can test a guess ("is this national ID in the data?"). That is why deterministic
 * tokenization needs the {@code pii:tokenize-deterministic} permission and a configured domain.
 */
public enum TokenScheme {
    RANDOM, DETERMINISTIC
}
