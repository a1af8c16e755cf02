# Shared by the drills (sourced). They run against `./kinga cluster` on this machine: Keycloak
# through the balancer on KEYCLOAK (default http://localhost:8080), the sidecars on SIDECAR
# (http://localhost:8081). wrk (Debian package wrk) is the load generator.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KEYCLOAK="${KEYCLOAK:-http://localhost:8080}"
SIDECAR="${SIDECAR:-http://localhost:8081}"
RESULTS="$ROOT/.kinga/drills"
mkdir -p "$RESULTS"
command -v wrk >/dev/null 2>&1 || { echo "the drills need wrk: sudo apt-get install wrk" >&2; exit 1; }
command -v curl >/dev/null 2>&1 || { echo "the drills need curl" >&2; exit 1; }
curl -fsS -o /dev/null "$KEYCLOAK/realms/kinga" || { echo "no Keycloak at $KEYCLOAK: start ./kinga cluster first" >&2; exit 1; }

# API keys and the drill client (made once per cluster run: the keys last a day).
drill_env="$RESULTS/drill.env"
if [[ ! -f "$drill_env" || -n "$(find "$drill_env" -mmin +600 2>/dev/null)" ]]; then
  (umask 077 && KINGA_ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}" \
    java "$ROOT/scripts/drills/DrillSetup.java" "$KEYCLOAK" "${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}" 64 > "$drill_env.new")
  mv "$drill_env.new" "$drill_env"
fi
set -a; . "$drill_env"; set +a

# A token of the drill client for the sidecar (auditor: pii:detect, audit:read).
# Secrets go to curl on stdin or in a file (-d @-, -H @file), never on its command line (ps shows those).
drill_token() {
  printf 'grant_type=client_credentials&client_id=%s&client_secret=%s' "$DRILL_CLIENT_ID" "$DRILL_CLIENT_SECRET" \
    | curl -fsS -d @- "$KEYCLOAK/realms/kinga/protocol/openid-connect/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}

# A header file holding "Authorization: Bearer <token>" (owner-only), for curl -H @file.
bearer_file() {
  local file="$RESULTS/.bearer-$1"
  (umask 077 && printf 'Authorization: Bearer %s\n' "$2" > "$file")
  echo "$file"
}

# "p50 p99 requests/s errors" from wrk --latency output.
wrk_figures() {
  local out="$1"
  local p50 p99 rps non2xx sockerr
  p50="$(awk '$1 == "50%" { print $2 }' "$out")"
  p99="$(awk '$1 == "99%" { print $2 }' "$out")"
  rps="$(awk '/^Requests\/sec:/ { print $2 }' "$out")"
  non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")"
  sockerr="$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out")"
  echo "${p50:-?} ${p99:-?} ${rps:-?} $(( ${non2xx:-0} + ${sockerr:-0} ))"
}

# An admin token of the bootstrap admin (master realm), for Kinga's audit endpoints.
admin_token() {
  printf 'grant_type=password&client_id=admin-cli&username=%s&password=%s' "${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}" \
    "${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}" \
    | curl -fsS -d @- "$KEYCLOAK/realms/master/protocol/openid-connect/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}

# GET with the admin's token.
admin_get() {
  curl -fsS -H @"$(bearer_file admin "$(admin_token)")" "$KEYCLOAK$1"
}

# The newest sequence number of realm kinga's audit trail in Keycloak.
keycloak_last_seq() {
  admin_get "/admin/realms/kinga/kinga-audit/records?max=1" | sed -n 's/.*"seq":\([0-9]*\).*/\1/p' | head -n1
}

# Records of realm kinga still waiting for the sidecars' intake in Keycloak's outbox.
outbox_pending() {
  admin_get "/admin/realms/kinga/kinga-audit/delivery" \
    | tr '}' '\n' | grep '/api/v1/audit/events' | sed -n 's/.*"pending":\([0-9]*\).*/\1/p' | head -n1
}

# Waits (at most 15 minutes) until the sidecars' intake took everything Keycloak's outbox held.
await_outbox_drained() {
  local deadline=$(( $(date +%s) + 900 ))
  until [[ "$(outbox_pending || true)" == 0 ]]; do
    (( $(date +%s) < deadline )) || { echo "the outbox did not drain within 15 minutes" >&2; return 1; }
    sleep 2
  done
}

# realm kinga's line of the sidecars' intake: "lastSeq records duplicates gaps outOfOrder chainBreaks",
# read with the token in the header file $1 (made once: a new token would be one more audit record).
intake_figures() {
  local realm_id line field out=""
  realm_id="$(admin_get "/admin/realms/kinga" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')"
  [[ -n "$realm_id" ]] || { echo "could not read realm kinga's id" >&2; return 1; }
  line="$(curl -fsS -H @"$1" "$SIDECAR/api/v1/audit/intake" | tr '}' '\n' | grep "\"realmId\":\"$realm_id\"")"
  for field in lastSeq records duplicates gaps outOfOrder chainBreaks; do
    out+="$(sed -n "s/.*\"$field\":\([0-9]*\).*/\1/p" <<< "$line") "
  done
  echo "$out"
}
