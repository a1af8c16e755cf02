/**
 * {@link dev.kinga.sidecar.pii.model.EntityType}: the kinds of personal data, shared by the engine and the token vault.
 */
package dev.kinga.sidecar.pii.model;
