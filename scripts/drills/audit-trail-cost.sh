#!/usr/bin/env bash
# Drill (issue 24): what the audit trail costs the token endpoint on a cluster. client_credentials
# with a client secret at CONNECTIONS (64) connections through the balancer, in alternating rounds
# of ROUND (20 s) with the trail on and off in one run (ROUNDS of each, 3; on-off, off-on, ...). The cluster starts with
# the trail recording only realms that list it, and the drill adds and removes kinga-audit in realm
# kinga's event listeners through admin REST:
#   KC_SPI_EVENTS_LISTENER__KINGA_AUDIT__GLOBAL=false ./kinga cluster
# then: scripts/drills/audit-trail-cost.sh      (figures in .kinga/drills/audit-trail-cost-*.md)
# Checks: every answered token request of an "on" round is one CLIENT_LOGIN record, and the chain
# verifies after the run. Reports tokens/s on and off, their ratio, p99 with the trail, and the
# merge delay (event to its place in the chain) from both nodes' metrics.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
rounds="${ROUNDS:-3}"
round="${ROUND:-20s}"
connections="${CONNECTIONS:-64}"
timeout="${TIMEOUT:-10s}"
management_ports="${MANAGEMENT_PORTS:-9180 9280}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
report="$RESULTS/audit-trail-cost-$stamp.md"
token_url="$KEYCLOAK/realms/kinga/protocol/openid-connect/token"

admin_headers="$(bearer_file admin "$(admin_token)")"
realm_json() { curl -fsS -H @"$admin_headers" "$KEYCLOAK/admin/realms/kinga"; }
# The realm's event listeners without kinga-audit, as a JSON array's items ("a","b").
others="$(realm_json | sed -n 's/.*"eventsListeners":\[\([^]]*\)\].*/\1/p' | tr ',' '\n' | grep -v '"kinga-audit"' | paste -sd, -)"
trail() { # on | off
  local listeners="$others"
  [[ "$1" == on ]] && listeners="${others:+$others,}\"kinga-audit\""
  curl -fsS -o /dev/null -X PUT -H @"$admin_headers" -H 'Content-Type: application/json' \
    -d "{\"eventsListeners\":[${listeners}]}" "$KEYCLOAK/admin/realms/kinga"
  sleep 2 # both nodes see the realm's new listeners (the realm cache is invalidated cluster-wide)
}
# CLIENT_LOGIN records of the drill client between two times (ms), counted page by page.
records_between() {
  local from="$1" to="$2" first=0 page count=0 n
  while :; do
    page="$(curl -fsS -H @"$admin_headers" \
      "$KEYCLOAK/admin/realms/kinga/kinga-audit/records?type=CLIENT_LOGIN&from=$from&to=$to&first=$first&max=1000")"
    n="$(grep -o "\"clientId\":\"$DRILL_CLIENT_ID\"" <<< "$page" | wc -l)"
    count=$(( count + n ))
    [[ "$(grep -o '"id":"' <<< "$page" | wc -l)" -lt 1000 ]] && break
    first=$(( first + 1000 ))
    admin_headers="$(bearer_file admin "$(admin_token)")" # a long count outlives a 60 s admin token
  done
  echo "$count"
}
answered() { # requests wrk saw answered with 2xx
  local out="$1" total non2xx
  total="$(awk '/requests in/ { print $1 }' "$out")"
  non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")"
  echo $(( ${total:-0} - ${non2xx:-0} ))
}

echo "warming up (10 s)"
trail on
wrk -t2 -c8 -d10s -s "$ROOT/scripts/drills/secret.lua" "$token_url" > /dev/null
on_rps=(); off_rps=(); on_p99=(); missing=0; extra=0
for r in $(seq 1 "$rounds"); do
  # on-off, then off-on: a server still warming up (or cooling) favours neither side
  order="on off"; (( r % 2 == 0 )) && order="off on"
  for state in $order; do
    trail "$state"
    admin_headers="$(bearer_file admin "$(admin_token)")"
    out="$RESULTS/trail-$state-$r-$stamp.txt"
    from=$(( $(date +%s%3N) ))
    wrk -t4 -c"$connections" -d"$round" --timeout "$timeout" --latency -s "$ROOT/scripts/drills/secret.lua" "$token_url" > "$out"
    to=$(( $(date +%s%3N) + 2000 ))
    read -r p50 p99 rps errors < <(wrk_figures "$out")
    echo "round $r, trail $state: $rps tokens/s, p50 $p50, p99 $p99, errors $errors"
    if [[ "$state" == on ]]; then
      on_rps+=("$rps"); on_p99+=("$p99")
      sleep 3 # the last batch is linked
      got="$(records_between "$from" "$to")"
      want="$(answered "$out")"
      echo "  $want answered, $got CLIENT_LOGIN records"
      (( got < want )) && missing=$(( missing + want - got ))
      # requests wrk gave up on at the end of the round may still have been answered and recorded
      (( got > want + connections )) && extra=$(( extra + got - want - connections ))
    else
      off_rps+=("$rps")
    fi
  done
done
trail on
verify="$(curl -fsS -H @"$(bearer_file admin "$(admin_token)")" "$KEYCLOAK/admin/realms/kinga/kinga-audit/verify")"
valid="$(sed -n 's/.*"valid":\([a-z]*\).*/\1/p' <<< "$verify")"
mean() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.1f", s / NR }'; }
on="$(mean "${on_rps[@]}")"; off="$(mean "${off_rps[@]}")"
ratio="$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.3f", a / b }')"
delays=""
for port in $management_ports; do
  metrics="$(curl -fsS "http://localhost:$port/metrics" || true)"
  q50="$(awk '/^kinga_audit_merge_delay_seconds\{.*quantile="0.5"/ { print $2 }' <<< "$metrics")"
  q99="$(awk '/^kinga_audit_merge_delay_seconds\{.*quantile="0.99"/ { print $2 }' <<< "$metrics")"
  max="$(awk '/^kinga_audit_merge_delay_seconds_max/ { print $2 }' <<< "$metrics")"
  delays+="| node on management port $port | ${q50:-?} s | ${q99:-?} s | ${max:-?} s |"$'\n'
done
cat > "$report" <<TEXT
client_credentials (client secret), $connections connections, $rounds rounds of $round with the trail on and off, through the balancer

| | tokens/s (mean of rounds) | rounds | p99 per round |
| --- | --- | --- | --- |
| trail on | $on | ${on_rps[*]} | ${on_p99[*]} |
| trail off | $off | ${off_rps[*]} | |
| on / off | **$ratio** | | |

Answered token requests of the "on" rounds without a record: $missing; records beyond the answered
requests plus those in flight at a round's end: $extra. verify after the run: valid=$valid.

Merge delay (event to its place in the chain; each node's sequencer, last 2 minutes):

| sequencer | p50 | p99 | max |
| --- | --- | --- | --- |
$delays
TEXT
cat "$report"
[[ "$missing" == 0 && "$extra" == 0 && "$valid" == true ]] || { echo "the trail lost or doubled records, or does not verify" >&2; exit 1; }
