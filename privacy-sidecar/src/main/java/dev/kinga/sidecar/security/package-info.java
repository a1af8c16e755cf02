/**
 * Request guards: OIDC tokens and permissions ({@link dev.kinga.sidecar.security.Permissions}), which
 * clients each endpoint serves ({@link dev.kinga.sidecar.security.ClientAllowList}), the MFA step-up
 * ({@link dev.kinga.sidecar.security.StepUp}), limits, strict JSON, the error shape, and
 * {@link dev.kinga.signature.RequestSignature}; ports {@link dev.kinga.sidecar.security.SecurityTrail}
 * and {@link dev.kinga.sidecar.security.SignInSessions}.
 */
package dev.kinga.sidecar.security;
