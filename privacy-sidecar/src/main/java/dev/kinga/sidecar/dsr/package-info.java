/**
 * Data-subject requests: {@link dev.kinga.sidecar.dsr.DataSubjectRequests} (the lifecycle, the one
 * place a status changes), {@link dev.kinga.sidecar.dsr.DsrWorker} (the jobs), {@link dev.kinga.sidecar.dsr.DsrResource}
 * ({@code /api/v1/dsr/*}), {@link dev.kinga.sidecar.dsr.MyRequestsResource} (a person's own requests),
 * and the port every store of personal data joins an export or erasure through
 * ({@link dev.kinga.sidecar.dsr.PersonalDataStore}). The apps and Keycloak are called through {@code connector}.
 */
package dev.kinga.sidecar.dsr;
