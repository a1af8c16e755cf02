/**
 * Breach notices to the authority and to people: {@link dev.kinga.sidecar.breach.notice.NoticeDrafts},
 * {@link dev.kinga.sidecar.breach.notice.NoticeSender} and {@link dev.kinga.sidecar.breach.notice.NoticeResource}.
 */
package dev.kinga.sidecar.breach.notice;
