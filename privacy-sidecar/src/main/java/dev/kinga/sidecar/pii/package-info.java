/**
 * PII detection and anonymization: {@link dev.kinga.sidecar.pii.PiiEngine} (recognizers over one
 * {@code Scan} of the text), {@link dev.kinga.sidecar.pii.Anonymizer}, {@link dev.kinga.sidecar.pii.RecordAnonymizer},
 * {@link dev.kinga.sidecar.pii.KAnonymity}; HTTP: {@link dev.kinga.sidecar.pii.PiiResource} ({@code /api/v1/pii/*}).
 */
package dev.kinga.sidecar.pii;
