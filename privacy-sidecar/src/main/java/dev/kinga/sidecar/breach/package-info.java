/**
 * The breach register and its 72-hour clock: {@link dev.kinga.sidecar.breach.BreachRegister},
 * {@link dev.kinga.sidecar.breach.BreachResource} ({@code /api/v1/breaches/*}), {@link dev.kinga.sidecar.breach.Deadlines};
 * alerts in {@code breach.alert}, notices in {@code breach.notice}.
 */
package dev.kinga.sidecar.breach;
