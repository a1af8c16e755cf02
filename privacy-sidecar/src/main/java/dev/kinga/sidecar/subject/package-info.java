/**
 * Data-subject requests: {@link dev.kinga.sidecar.subject.DataSubjectRequests} (the lifecycle),
 * {@link dev.kinga.sidecar.subject.DsrWorker} (the jobs), {@link dev.kinga.sidecar.subject.DsrResource}
 * ({@code /api/v1/dsr/*}), the apps' connectors ({@link dev.kinga.sidecar.subject.AppConnectors},
 * {@link dev.kinga.sidecar.subject.ConnectorResource}) and the port other capabilities' personal data
 * joins an export or erasure through ({@link dev.kinga.sidecar.subject.PersonalDataStore}).
 */
package dev.kinga.sidecar.subject;
