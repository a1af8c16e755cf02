#!/usr/bin/env bash
# Drill: 64 concurrent connections for 60 s through the balancer, against Keycloak's token endpoint
# with API keys (client_credentials) and against the sidecars' /api/v1/pii/detect. Start the
# cluster with the per-key and per-user limits raised (this measures capacity, not abuse control):
#   KC_SPI_CLIENT_AUTHENTICATOR__KINGA_API_KEY__RATE_LIMIT_PER_MINUTE=100000 \
#   KINGA_RATE_LIMIT_REQUESTS_PER_MINUTE=1000000 ./kinga cluster
# then: scripts/drills/throughput.sh   (figures in .kinga/drills/throughput-*.md)
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
duration="${DURATION:-60s}"
connections="${CONNECTIONS:-64}"
# A request still unanswered after this counts as an error (wrk's own default, 2 s, is shorter than
# a token request waits in line behind 63 others on 2 cores).
timeout="${TIMEOUT:-10s}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
report="$RESULTS/throughput-$stamp.md"

echo "warming up (10 s each)"
wrk -t2 -c8 -d10s -s "$ROOT/scripts/drills/token.lua" "$KEYCLOAK/realms/kinga/protocol/openid-connect/token" > /dev/null
DRILL_TOKEN="$(drill_token)" wrk -t2 -c8 -d10s -s "$ROOT/scripts/drills/detect.lua" "$SIDECAR/api/v1/pii/detect" > /dev/null

echo "token endpoint: $connections connections, $duration"
wrk -t4 -c"$connections" -d"$duration" --timeout "$timeout" --latency -s "$ROOT/scripts/drills/token.lua" \
  "$KEYCLOAK/realms/kinga/protocol/openid-connect/token" > "$RESULTS/token-$stamp.txt"
echo "pii detect: $connections connections, $duration"
DRILL_TOKEN="$(drill_token)" wrk -t4 -c"$connections" -d"$duration" --timeout "$timeout" --latency -s "$ROOT/scripts/drills/detect.lua" \
  "$SIDECAR/api/v1/pii/detect" > "$RESULTS/detect-$stamp.txt"

read -r tp50 tp99 trps terr < <(wrk_figures "$RESULTS/token-$stamp.txt")
read -r dp50 dp99 drps derr < <(wrk_figures "$RESULTS/detect-$stamp.txt")
cat > "$report" <<TEXT
| endpoint (through HAProxy, two nodes) | connections | duration | requests/s | p50 | p99 | errors (non-2xx, socket, timeouts over $timeout) |
| --- | --- | --- | --- | --- | --- | --- |
| token endpoint, client_credentials with API keys | $connections | $duration | $trps | $tp50 | $tp99 | $terr |
| sidecar /api/v1/pii/detect (bearer token) | $connections | $duration | $drps | $dp50 | $dp99 | $derr |
TEXT
cat "$report"
[[ "$terr" == 0 && "$derr" == 0 ]] || { echo "errors during the drill (raw output in $RESULTS)" >&2; exit 1; }
