# ./kinga cluster: Kinga as a cluster on one machine. Sourced by ./kinga, which defines the helpers
# used here (say, die, require_tools, build, fetch_keycloak, fetch_mail_sink, start_mail_sink,
# keycloak_keys, intake_key, sidecar_keys, http_ok, port_in_use, install_file).
#
#   two Keycloak nodes  kc.sh build once (PostgreSQL, distributed caches), then two `start --optimized`:
#                       Infinispan over JGroups with JDBC_PING discovery on the shared database
#   two sidecars        one PostgreSQL database, jobs claimed with SELECT ... FOR UPDATE SKIP LOCKED
#   HAProxy             in front of both pairs (deploy/cluster/haproxy.cfg): sticky Keycloak sessions
#                       by AUTH_SESSION_ID, health checks, a stats page
#
# PostgreSQL: a local PostgreSQL 15 (started if stopped; role and databases made through the
# postgres account), or the one KINGA_CLUSTER_DB_URL and KINGA_CLUSTER_SIDECAR_DB_URL name (with
# KINGA_CLUSTER_DB_USERNAME and KINGA_CLUSTER_DB_PASSWORD).

CLUSTER="$STATE/cluster"
CLUSTER_KC="$CLUSTER/keycloak-$KC_VERSION"
CLUSTER_SIDECAR_APP="$CLUSTER/sidecar-app"
NODE_NAMES=(a b)
NODE_PORTS=(8180 8280)
NODE_MANAGEMENT_PORTS=(9180 9280)
NODE_JGROUPS_PORTS=(7800 7810)
SIDECAR_NODE_PORTS=(8181 8281)
SIDECAR_NODE_MANAGEMENT_PORTS=(9182 9282)
STATS_PORT=8404

as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    sudo -u postgres "$@"
  fi
}

# Sets DB_URL, SIDECAR_DB_URL, DB_USER, DB_PASSWORD.
cluster_database() {
  if [[ -n "${KINGA_CLUSTER_DB_URL:-}" ]]; then
    DB_URL="$KINGA_CLUSTER_DB_URL"
    SIDECAR_DB_URL="${KINGA_CLUSTER_SIDECAR_DB_URL:?set KINGA_CLUSTER_SIDECAR_DB_URL (the sidecars database) too}"
    DB_USER="${KINGA_CLUSTER_DB_USERNAME:?set KINGA_CLUSTER_DB_USERNAME}"
    DB_PASSWORD="${KINGA_CLUSTER_DB_PASSWORD:?set KINGA_CLUSTER_DB_PASSWORD}"
    return
  fi
  command -v pg_lsclusters >/dev/null 2>&1 \
    || die "the cluster needs PostgreSQL: install postgresql-15 (sudo apt-get install postgresql-15), or set KINGA_CLUSTER_DB_URL"
  local port
  port="$(pg_lsclusters -h | awk '$1 == 15 { print $3; exit }')"
  [[ -n "$port" ]] || die "no PostgreSQL 15 cluster found (pg_lsclusters); or set KINGA_CLUSTER_DB_URL"
  if ! pg_lsclusters -h | awk '$1 == 15 { print $4 }' | grep -q online; then
    say "starting PostgreSQL 15"
    pg_ctlcluster 15 main start 2>/dev/null || as_postgres pg_ctlcluster 15 main start \
      || die "could not start PostgreSQL 15 (pg_ctlcluster 15 main start)"
  fi
  local password_file="$STATE/cluster-db.password"
  if [[ ! -f "$password_file" ]]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '\n/+=' > "$password_file")
  fi
  DB_USER="kinga_cluster"
  DB_PASSWORD="$(cat "$password_file")"
  MAX_CONNECTIONS="$(as_postgres psql -tA -p "$port" -c 'show max_connections' 2>/dev/null || echo 100)"
  as_postgres psql -q -p "$port" -v ON_ERROR_STOP=1 >/dev/null <<SQL || die "could not make role $DB_USER and its databases (as the postgres account)"
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD';
  ELSE
    ALTER ROLE $DB_USER PASSWORD '$DB_PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE kinga_cluster OWNER $DB_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'kinga_cluster')\gexec
SELECT 'CREATE DATABASE kinga_cluster_sidecar OWNER $DB_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'kinga_cluster_sidecar')\gexec
SQL
  DB_URL="jdbc:postgresql://localhost:$port/kinga_cluster"
  SIDECAR_DB_URL="jdbc:postgresql://localhost:$port/kinga_cluster_sidecar"
}

# The cluster's own copy of the distribution, built for production with Kinga's jars.
cluster_keycloak() {
  local version
  version="$(cd "$ROOT" && sed -n 's:.*<version>\(.*-SNAPSHOT\|[0-9][0-9.]*\)</version>.*:\1:p' pom.xml | head -n1)"
  mkdir -p "$CLUSTER"
  if [[ ! -f "$CLUSTER_KC/bin/kc.sh" ]]; then
    cp -a "$KC_HOME" "$CLUSTER_KC"
    rm -rf "$CLUSTER_KC/data"
  fi
  install_file "$ROOT/keycloak-providers/target/kinga-keycloak-providers-$version.jar" "$CLUSTER_KC/providers/kinga-keycloak-providers.jar"
  install_file "$ROOT/themes/target/kinga-themes-$version.jar" "$CLUSTER_KC/providers/kinga-themes.jar"
  mkdir -p "$CLUSTER_KC/data/import"
  install_file "$ROOT/realm-config/kinga-realm.json" "$CLUSTER_KC/data/import/kinga-realm.json"
  install_file "$ROOT/realm-config/kinga-users-0.json" "$CLUSTER_KC/data/import/kinga-users-0.json"
  say "building Keycloak for production (kc.sh build: PostgreSQL, distributed caches)"
  bash "$CLUSTER_KC/bin/kc.sh" build --db=postgres --cache=ispn --health-enabled=true --metrics-enabled=true \
    > "$CLUSTER/build.log" 2>&1 || die "kc.sh build failed (see $CLUSTER/build.log)"
}

balancer_config() {
  sed -e "s/\${BIND}/127.0.0.1/g" -e "s/\${KEYCLOAK_PORT}/$HTTP_PORT/g" -e "s/\${SIDECAR_PORT}/$SIDECAR_PORT/g" \
      -e "s/\${STATS_PORT}/$STATS_PORT/g" \
      -e "s/\${NODE_A_PORT}/${NODE_PORTS[0]}/g" -e "s/\${NODE_A_MANAGEMENT_PORT}/${NODE_MANAGEMENT_PORTS[0]}/g" \
      -e "s/\${NODE_B_PORT}/${NODE_PORTS[1]}/g" -e "s/\${NODE_B_MANAGEMENT_PORT}/${NODE_MANAGEMENT_PORTS[1]}/g" \
      -e "s/\${SIDECAR_A_PORT}/${SIDECAR_NODE_PORTS[0]}/g" -e "s/\${SIDECAR_A_MANAGEMENT_PORT}/${SIDECAR_NODE_MANAGEMENT_PORTS[0]}/g" \
      -e "s/\${SIDECAR_B_PORT}/${SIDECAR_NODE_PORTS[1]}/g" -e "s/\${SIDECAR_B_MANAGEMENT_PORT}/${SIDECAR_NODE_MANAGEMENT_PORTS[1]}/g" \
      "$ROOT/deploy/cluster/haproxy.cfg"
}

# Every pool together stays under PostgreSQL's max_connections (docs/operations.md, "Connection
# pools"): 10 kept for admin sessions and the superuser, each sidecar at most 10, each Keycloak node
# the rest halved. Sets KC_POOL and SIDECAR_POOL.
pool_sizes() {
  local max="${MAX_CONNECTIONS:-${KINGA_CLUSTER_MAX_CONNECTIONS:-100}}"
  SIDECAR_POOL=10
  KC_POOL=$(( (max - 10 - 2 * SIDECAR_POOL) / 2 ))
  (( KC_POOL >= 10 )) || die "PostgreSQL allows only $max connections: two Keycloak nodes and two sidecars need at least 50"
  say "connection pools: Keycloak ${KC_POOL} per node, sidecar ${SIDECAR_POOL} per node, of PostgreSQL's $max"
}

await_ready() {
  local pid="$1" port="$2" path="$3" what="$4" waited=0
  until http_ok "$port" "$path"; do
    kill -0 "$pid" 2>/dev/null || die "$what stopped during startup (see its log in $CLUSTER)"
    sleep 1
    waited=$((waited + 1))
    (( waited < 300 )) || die "$what is not ready after 5 minutes (see its log in $CLUSTER)"
  done
}

cluster() {
  require_tools
  command -v haproxy >/dev/null 2>&1 || die "the cluster needs HAProxy: sudo apt-get install haproxy"
  for port in "$HTTP_PORT" "$SIDECAR_PORT" "$STATS_PORT" "$MAIL_SMTP_PORT" "$MAIL_IMAP_PORT" "$MAIL_WEB_PORT" \
      "${NODE_PORTS[@]}" "${NODE_MANAGEMENT_PORTS[@]}" "${NODE_JGROUPS_PORTS[@]}" "${SIDECAR_NODE_PORTS[@]}" "${SIDECAR_NODE_MANAGEMENT_PORTS[@]}"; do
    port_in_use "$port" && die "port $port is already in use; stop what uses it (./kinga run?) and try again"
  done
  build -Dkinga.sidecar.db-kind=postgresql
  rm -rf "$CLUSTER_SIDECAR_APP" && mkdir -p "$CLUSTER" && cp -a "$ROOT/privacy-sidecar/target/quarkus-app" "$CLUSTER_SIDECAR_APP"
  fetch_keycloak
  fetch_mail_sink
  cluster_database
  pool_sizes
  cluster_keycloak
  keycloak_keys
  sidecar_keys
  local intake_key admin_user admin_password
  intake_key="$(intake_key)"
  admin_user="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
  admin_password="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}"
  local pids=()
  stop_cluster() {
    trap - EXIT INT TERM
    say "stopping the cluster"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  }
  trap stop_cluster EXIT # whatever ends this script (Ctrl-C, a failed start) stops what did start
  trap 'exit 0' INT TERM

  start_mail_sink "$CLUSTER/mail.log"
  pids+=($!)
  balancer_config > "$CLUSTER/haproxy.cfg"
  haproxy -db -f "$CLUSTER/haproxy.cfg" > "$CLUSTER/haproxy.log" 2>&1 &
  pids+=($!)

  local i
  for i in 0 1; do
    say "starting Keycloak node ${NODE_NAMES[$i]} on port ${NODE_PORTS[$i]}"
    (set -a && . "$KEYCLOAK_KEYS" && set +a &&
      KC_BOOTSTRAP_ADMIN_USERNAME="$admin_user" KC_BOOTSTRAP_ADMIN_PASSWORD="$admin_password" \
      KINGA_SMTP_HOST=localhost KINGA_SMTP_PORT="$MAIL_SMTP_PORT" \
      KC_SPI_EVENTS_LISTENER__KINGA_AUDIT__SINKS="http://localhost:$SIDECAR_PORT/api/v1/audit/events" \
      KC_SPI_EVENTS_LISTENER__KINGA_AUDIT__SINK_SIGNING_KEY="$intake_key" \
      KC_SPI_EVENTS_LISTENER__KINGA_AUDIT__SINK_BATCH_SIZE=100 \
      KC_DB_URL="$DB_URL" KC_DB_USERNAME="$DB_USER" KC_DB_PASSWORD="$DB_PASSWORD" \
      exec bash "$CLUSTER_KC/bin/kc.sh" start --optimized \
        --hostname="http://localhost:$HTTP_PORT" --proxy-headers=xforwarded --proxy-trusted-addresses=127.0.0.1 \
        --http-enabled=true --http-host=127.0.0.1 \
        --db-pool-initial-size=5 --db-pool-min-size=5 --db-pool-max-size="$KC_POOL" \
        --http-port="${NODE_PORTS[$i]}" --http-management-port="${NODE_MANAGEMENT_PORTS[$i]}" \
        --cache-embedded-network-bind-address=127.0.0.1 --cache-embedded-network-bind-port="${NODE_JGROUPS_PORTS[$i]}" \
        --import-realm \
        --spi-admin-realm-restapi-extension--kinga-roles--catalogue="$ROOT/realm-config/roles.yaml") \
      > "$CLUSTER/keycloak-${NODE_NAMES[$i]}.log" 2>&1 &
    pids+=($!)
    # one at a time: the first node imports the realm, the second finds it there
    await_ready "${pids[-1]}" "${NODE_MANAGEMENT_PORTS[$i]}" /health/ready "Keycloak node ${NODE_NAMES[$i]}"
  done

  # The sidecars sign in to Keycloak with their own key (private_key_jwt), registered on client kinga-sidecar.
  local sidecar_key="$CLUSTER/sidecar-client-key.pem"
  KINGA_ADMIN_PASSWORD="$admin_password" java "$ROOT/scripts/DevClientKey.java" "$sidecar_key" \
    "http://localhost:$HTTP_PORT" "$admin_user" - kinga kinga-sidecar >/dev/null \
    || die "could not register the sidecar's key on client kinga-sidecar with the bootstrap admin"
  for i in 0 1; do
    say "starting sidecar ${NODE_NAMES[$i]} on port ${SIDECAR_NODE_PORTS[$i]}"
    (set -a && . "$SIDECAR_KEYS" && set +a &&
      QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_MANAGEMENT_HOST=127.0.0.1 QUARKUS_DATASOURCE_JDBC_MAX_SIZE="$SIDECAR_POOL" \
      QUARKUS_HTTP_PORT="${SIDECAR_NODE_PORTS[$i]}" KINGA_SIDECAR_MANAGEMENT_PORT="${SIDECAR_NODE_MANAGEMENT_PORTS[$i]}" \
      KINGA_SIDECAR_DB_URL="$SIDECAR_DB_URL" KINGA_SIDECAR_DB_USERNAME="$DB_USER" KINGA_SIDECAR_DB_PASSWORD="$DB_PASSWORD" \
      KINGA_KEYCLOAK_URL="http://localhost:$HTTP_PORT" KINGA_KEYCLOAK_CLIENT_KEY_FILE="$sidecar_key" \
      KINGA_AUDIT_INTAKE_KEY="$intake_key" KINGA_SMTP_HOST=localhost KINGA_SMTP_PORT="$MAIL_SMTP_PORT" \
      exec java -jar "$CLUSTER_SIDECAR_APP/quarkus-run.jar") > "$CLUSTER/sidecar-${NODE_NAMES[$i]}.log" 2>&1 &
    pids+=($!)
    await_ready "${pids[-1]}" "${SIDECAR_NODE_MANAGEMENT_PORTS[$i]}" /q/health/ready "sidecar ${NODE_NAMES[$i]}"
  done

  cat <<TEXT

  Kinga is running as a cluster (Keycloak $KC_VERSION x2 and the sidecar x2 on PostgreSQL, behind HAProxy).

  Keycloak         http://localhost:$HTTP_PORT/admin/   (balanced; nodes on ${NODE_PORTS[*]}, health on ${NODE_MANAGEMENT_PORTS[*]})
  Sidecar          http://localhost:$SIDECAR_PORT   (balanced; nodes on ${SIDECAR_NODE_PORTS[*]})
  Balancer stats   http://localhost:$STATS_PORT/
  Mail (dev sink)  http://localhost:$MAIL_WEB_PORT/api/user
  Logs             $CLUSTER/

  Try losing a node: pkill -9 -f -- '--http-port=${NODE_PORTS[0]}' (kc.sh and its JVM); signed-in sessions
  continue on the other. Ctrl-C stops everything.

TEXT
  # Runs until Ctrl-C, whichever node dies meanwhile (losing one is what the cluster is for).
  while true; do
    sleep 3600 &
    wait $! || true
  done
}
