package dev.kinga.sidecar.dsr;

/** What a data-subject request asks for. */
public enum DsrType {
    /** Right of access and portability (GDPR Art. 15 and 20, Kenya DPA s.26). */
    EXPORT,
    /** Right to erasure (GDPR Art. 17, Kenya DPA s.40). */
    ERASURE
}
