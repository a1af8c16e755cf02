#!/usr/bin/env bash
# Runs once, when the PostgreSQL volume is first created: Keycloak and the sidecar each get a role
# (not a superuser) and a database of their own. The passwords come from the .env file; psql
# quotes them (:'...'), so any character works.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v keycloak_pw="$KINGA_DB_PASSWORD" -v sidecar_pw="$KINGA_SIDECAR_DB_PASSWORD" <<'SQL'
CREATE ROLE keycloak LOGIN PASSWORD :'keycloak_pw';
CREATE DATABASE keycloak OWNER keycloak;
CREATE ROLE kinga_sidecar LOGIN PASSWORD :'sidecar_pw';
CREATE DATABASE kinga_sidecar OWNER kinga_sidecar;
SQL
