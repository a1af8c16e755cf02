/**
 * How background jobs run across sidecar nodes on one database: {@link dev.kinga.sidecar.jobs.LeasedJobs}
 * (claims with {@code SKIP LOCKED}, leases, the attempt as a fence, doubling back-off), used by the
 * data-subject request worker and the breach notice sender.
 */
package dev.kinga.sidecar.jobs;
