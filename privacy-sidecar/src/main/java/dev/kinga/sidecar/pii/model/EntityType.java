package dev.kinga.sidecar.pii.model;

/**
 * Kinds of personal data the engine recognises (the contract in DESIGN.md; more may be added): the
 * vocabulary the PII engine and the token vault share, below both.
 */
public enum EntityType {
    EMAIL, PHONE, CREDIT_CARD, IBAN, IP_ADDRESS, US_SSN, KE_NATIONAL_ID, KE_KRA_PIN, UG_NIN, DATE_OF_BIRTH, PERSON
}
