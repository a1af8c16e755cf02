#!/usr/bin/env bash
# Drill: both sidecars down (frozen with SIGSTOP: they take connections and answer nothing) for
# OUTAGE_MINUTES (default 10) under a steady trickle of logins; then back. Every audit record must
# arrive afterwards, in order, each taken once: the sidecars' intake must end at Keycloak's last
# sequence number with its record count grown by exactly the records written, and no new gap,
# late record or broken link. Run against ./kinga cluster: scripts/drills/sidecar-outage.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
outage=$(( ${OUTAGE_MINUTES:-10} * 60 ))
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
report="$RESULTS/sidecar-outage-$stamp.md"
sidecars="$ROOT/.kinga/cluster/sidecar-app/quarkus-run.jar"
pgrep -f "$sidecars" >/dev/null || { echo "no cluster sidecars running ($sidecars)" >&2; exit 1; }

trap 'pkill -CONT -f "$sidecars" || true' EXIT # never leave the sidecars frozen
# Each reading takes a fresh token first (tokens last 5 minutes; getting one is an audit record too),
# then waits until that record reached the intake, so both sides count it.
reading() {
  auditor="$(bearer_file auditor "$(drill_token)")"
  await_outbox_drained
}
reading
read -r seq0 records0 dup0 gaps0 late0 breaks0 < <(intake_figures "$auditor")
kc0="$(keycloak_last_seq)"
echo "before: Keycloak at $kc0; intake at $seq0 ($records0 records)"

DRILL_DELAY_MS=100 wrk -t1 -c2 -d"$((outage + 60))s" -s "$ROOT/scripts/drills/token.lua" \
  "$KEYCLOAK/realms/kinga/protocol/openid-connect/token" > "$RESULTS/outage-load-$stamp.txt" &
load=$!
sleep 30
echo "sidecars down for ${outage}s"
down_at=$(date +%s)
pkill -STOP -f "$sidecars"
sleep "$outage"
pkill -CONT -f "$sidecars"
up_at=$(date +%s)
echo "sidecars back; waiting for the outbox to drain"
wait "$load" || true
await_outbox_drained
drained_at=$(date +%s)
reading
kc1="$(keycloak_last_seq)"
read -r seq1 records1 dup1 gaps1 late1 breaks1 < <(intake_figures "$auditor")
written=$(( kc1 - kc0 ))
taken=$(( records1 - records0 ))
read -r _ _ lrps lerr < <(wrk_figures "$RESULTS/outage-load-$stamp.txt")
cat > "$report" <<TEXT
| measure | value |
| --- | --- |
| outage (both sidecars frozen) | $(( up_at - down_at )) s |
| logins during the run (wrk, 2 connections, one login per 100 ms each) | $lrps /s, errors $lerr |
| audit records written by Keycloak during the run (realm kinga) | $written (seq $kc0 → $kc1) |
| records the intake took | $taken (last seq $seq0 → $seq1) |
| repeated deliveries answered as duplicates | $(( dup1 - dup0 )) |
| new gaps / late records / broken links | $(( gaps1 - gaps0 )) / $(( late1 - late0 )) / $(( breaks1 - breaks0 )) |
| outbox drained after the sidecars came back | $(( drained_at - up_at )) s |
TEXT
cat "$report"
[[ "$seq1" == "$kc1" && "$taken" == "$written" && $(( gaps1 - gaps0 + late1 - late0 + breaks1 - breaks0 )) == 0 ]] \
  || { echo "the trail did not arrive whole (raw output in $RESULTS)" >&2; exit 1; }
