/**
 * The sidecar's keys: {@link dev.kinga.sidecar.keys.HashKey} and {@link dev.kinga.sidecar.keys.KeyEncryptionKeys}.
 */
package dev.kinga.sidecar.keys;
