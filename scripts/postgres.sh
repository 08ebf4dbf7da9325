#!/usr/bin/env bash
# Install (Debian packages), start and prepare a local PostgreSQL server for the test suite.
# Usage: scripts/postgres.sh start|stop   — `start` prints the DATABASE URL on stdout.
set -euo pipefail

PG_USER=plancascade
PG_PASS=plancascade
PG_DB=plancascade_test

cluster_version() {
  ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1
}

install_server() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(cluster_version)" ]; then
    echo "Cài đặt PostgreSQL (gói Debian)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
  fi
}

start_server() {
  install_server
  local version
  version=$(cluster_version)
  if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
    pg_ctlcluster "$version" main start >&2
  fi
  for _ in $(seq 1 30); do
    su postgres -c "pg_isready -q" && break
    sleep 1
  done
  # a throw-away test server: durability is not needed, speed is (each test copies a database)
  su postgres -c "psql -qc \"ALTER SYSTEM SET fsync = off\"" >&2
  su postgres -c "psql -qc \"ALTER SYSTEM SET synchronous_commit = off\"" >&2
  su postgres -c "psql -qc \"ALTER SYSTEM SET full_page_writes = off\"" >&2
  su postgres -c "psql -qtAc \"SELECT pg_reload_conf()\"" >/dev/null
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASS'\"" >&2
  su postgres -c "psql -qc \"ALTER ROLE $PG_USER CREATEDB\"" >&2
  su postgres -c "psql -qc \"GRANT pg_signal_backend TO $PG_USER\"" >&2
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='$PG_DB'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"CREATE DATABASE $PG_DB OWNER $PG_USER\"" >&2
  echo "postgresql+psycopg://$PG_USER:$PG_PASS@127.0.0.1:5432/$PG_DB"
}

stop_server() {
  local version
  version=$(cluster_version)
  [ -n "$version" ] && pg_ctlcluster "$version" main stop >&2 || true
}

case "${1:-start}" in
  start) start_server ;;
  stop) stop_server ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
