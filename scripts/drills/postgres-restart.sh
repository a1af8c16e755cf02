#!/usr/bin/env bash
# Drill: PostgreSQL restarted mid-load. For DURATION (default 60 s) wrk drives the token endpoint
# (API keys) and the sidecars' PII detection through the balancer while a probe asks both every
# 200 ms and keeps every answer that is not 200; PostgreSQL 15 restarts 20 s in. Afterwards:
# Keycloak and the sidecars must answer again without anyone touching them, no answer may carry a
# stack trace, and the audit trail must have reached the intake whole (nothing lost).
# Run as root (or with sudo) against ./kinga cluster: scripts/drills/postgres-restart.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
duration="${DURATION:-60}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
report="$RESULTS/postgres-restart-$stamp.md"
probes="$RESULTS/probes-$stamp"
mkdir -p "$probes"
token="$(drill_token)"
auditor="$(bearer_file auditor "$token")"
await_outbox_drained # the token's own audit record too, before either side is counted
read -r _ records0 _ gaps0 late0 breaks0 < <(intake_figures "$auditor")
kc0="$(keycloak_last_seq)"
key_body="$RESULTS/.key-body"
(umask 077 && printf 'grant_type=client_credentials&client_secret=%s' "${DRILL_API_KEYS%%,*}" > "$key_body")

wrk -t2 -c16 -d"${duration}s" --latency -s "$ROOT/scripts/drills/token.lua" \
  "$KEYCLOAK/realms/kinga/protocol/openid-connect/token" > "$RESULTS/pg-token-$stamp.txt" &
load1=$!
DRILL_TOKEN="$token" wrk -t2 -c16 -d"${duration}s" --latency -s "$ROOT/scripts/drills/detect.lua" \
  "$SIDECAR/api/v1/pii/detect" > "$RESULTS/pg-detect-$stamp.txt" &
load2=$!

probe() {
  local end=$(( $(date +%s) + duration + 30 )) n=0
  while (( $(date +%s) < end )); do
    n=$((n + 1))
    curl -s -o "$probes/t$n" -w '%{http_code}\n' -d @"$key_body" \
      "$KEYCLOAK/realms/kinga/protocol/openid-connect/token" >> "$probes/token.codes" || echo 000 >> "$probes/token.codes"
    curl -s -o "$probes/d$n" -w '%{http_code}\n' -H @"$auditor" -H 'Content-Type: application/json' \
      -d '{"text":"call +254 712 345 678"}' "$SIDECAR/api/v1/pii/detect" >> "$probes/detect.codes" || echo 000 >> "$probes/detect.codes"
    sleep 0.2
  done
}
probe &
prober=$!

sleep 20
echo "restarting PostgreSQL 15"
restart_at=$(date +%s)
pg_ctlcluster 15 main restart
echo "PostgreSQL back after $(( $(date +%s) - restart_at )) s"
wait "$load1" "$load2" "$prober" || true

recovered="no"
for _ in $(seq 1 60); do
  if curl -fsS -o /dev/null -d @"$key_body" "$KEYCLOAK/realms/kinga/protocol/openid-connect/token" \
     && curl -fsS -o /dev/null -H @"$auditor" -H 'Content-Type: application/json' \
       -d '{"text":"x"}' "$SIDECAR/api/v1/pii/detect"; then
    recovered="yes"
    break
  fi
  sleep 2
done
auditor="$(bearer_file auditor "$(drill_token)")" # a fresh token: the first may have expired meanwhile
await_outbox_drained
kc1="$(keycloak_last_seq)"
read -r _ records1 _ gaps1 late1 breaks1 < <(intake_figures "$auditor")
traces=$( (grep -lE 'Exception|\bat [a-z]+\.[a-z]+\.' "$probes"/t* "$probes"/d* 2>/dev/null || true) | wc -l)
token_bad=$(grep -vc '^200$' "$probes/token.codes" || true)
detect_bad=$(grep -vc '^200$' "$probes/detect.codes" || true)
read -r tp50 tp99 trps terr < <(wrk_figures "$RESULTS/pg-token-$stamp.txt")
read -r dp50 dp99 drps derr < <(wrk_figures "$RESULTS/pg-detect-$stamp.txt")
cat > "$report" <<TEXT
| measure | token endpoint | sidecar pii/detect |
| --- | --- | --- |
| load (wrk, 16 connections each, ${duration} s, PostgreSQL restarted at 20 s) | $trps req/s, p50 $tp50, p99 $tp99 | $drps req/s, p50 $dp50, p99 $dp99 |
| requests that failed under load (non-2xx, socket errors) | $terr | $derr |
| probe answers that were not 200 (one probe each per 200 ms) | $token_bad of $(wc -l < "$probes/token.codes") | $detect_bad of $(wc -l < "$probes/detect.codes") |
| answers carrying a stack trace | $traces | (both) |
| recovered without manual action | $recovered | $recovered |
| audit records written / taken by the intake | $(( kc1 - kc0 )) / $(( records1 - records0 )) | new gaps, late, broken: $(( gaps1 - gaps0 )), $(( late1 - late0 )), $(( breaks1 - breaks0 )) |
TEXT
cat "$report"
[[ "$recovered" == yes && "$traces" == 0 && $(( kc1 - kc0 )) == $(( records1 - records0 )) ]] \
  || { echo "the drill failed (raw output in $RESULTS)" >&2; exit 1; }
