/**
 * The self-service page {@code /my-data/} ({@link dev.kinga.sidecar.selfservice.SelfServicePage}) and
 * the open-account check of a person's own requests.
 */
package dev.kinga.sidecar.selfservice;
