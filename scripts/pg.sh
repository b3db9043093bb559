#!/usr/bin/env bash
# Finds or starts the PostgreSQL learnd uses. Source it and call one of:
#
#   pg_for_run    exports DATABASE_URL: $DATABASE_URL if set; else a server answering on
#                 127.0.0.1:5432 (creating database "learnd"); else a private cluster under
#                 .data/pg started with the machine's initdb/pg_ctl (kept between runs).
#   pg_for_test   exports LEARND_TEST_DATABASE_URL (an admin URL; tests create their own
#                 databases): $LEARND_TEST_DATABASE_URL or $DATABASE_URL if set; else the
#                 server on 127.0.0.1:5432; else a throwaway cluster in a temp dir, stopped
#                 and removed when the calling shell exits.
#
# LEARND_PG_PRIVATE=1 skips the 127.0.0.1:5432 probe (forces the private cluster).

pg_log() { printf 'pg: %s\n' "$*" >&2; }

# pg_bin NAME: the path of a PostgreSQL server program, from PATH or the newest
# /usr/lib/postgresql/*/bin.
pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }
  done
  command -v "$1" 2>/dev/null && return 0
  return 1
}

pg_require_install() {
  if ! pg_bin initdb >/dev/null || ! pg_bin pg_ctl >/dev/null; then
    pg_log "PostgreSQL is not installed: install it with 'sudo apt-get install -y postgresql' (or set DATABASE_URL)."
    return 1
  fi
}

# pg_local_user: a role that can log in on 127.0.0.1:5432 ("" when none answers).
pg_local_user() {
  [ "${LEARND_PG_PRIVATE:-}" = 1 ] && return 0
  command -v psql >/dev/null || return 0
  local u
  for u in postgres "$(id -un)"; do
    if PGCONNECT_TIMEOUT=2 psql -h 127.0.0.1 -p 5432 -U "$u" -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
      echo "$u"; return 0
    fi
  done
}

# pg_start_private DIR PORT: initdb (once) and start a cluster in DIR listening on
# 127.0.0.1:PORT with trust auth. initdb refuses root, so as root it runs as "postgres".
pg_start_private() {
  local dir=$1 port=$2 initdb pg_ctl runas=()
  pg_require_install || return 1
  initdb=$(pg_bin initdb); pg_ctl=$(pg_bin pg_ctl)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown -R postgres "$dir"
    runas=(runuser -u postgres --)
  fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    "${runas[@]}" "$initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null || return 1
  fi
  if ! "${runas[@]}" "$pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    "${runas[@]}" "$pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=200 -c fsync=off" start >/dev/null || {
      pg_log "could not start PostgreSQL in $dir; see $dir/server.log"; return 1; }
  fi
}

pg_stop_private() {
  local dir=$1 pg_ctl runas=()
  pg_ctl=$(pg_bin pg_ctl) || return 0
  [ "$(id -u)" = 0 ] && runas=(runuser -u postgres --)
  "${runas[@]}" "$pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

pg_free_port() {
  local p
  for p in $(seq "${1:-55432}" $(( ${1:-55432} + 200 ))); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

pg_for_run() {
  if [ -n "${DATABASE_URL:-}" ]; then
    pg_log "using DATABASE_URL"; return 0
  fi
  local u; u=$(pg_local_user)
  if [ -n "$u" ]; then
    if [ "$(psql -h 127.0.0.1 -U "$u" -d postgres -Atqc "select 1 from pg_database where datname='learnd'")" != 1 ]; then
      psql -h 127.0.0.1 -U "$u" -d postgres -qc 'create database learnd' >/dev/null || return 1
    fi
    export DATABASE_URL="postgres://$u@127.0.0.1:5432/learnd?sslmode=disable"
    pg_log "using the PostgreSQL on 127.0.0.1:5432 (database learnd)"
    return 0
  fi
  local dir port
  dir="$(pwd)/.data/pg"
  port=$(cat .data/pg.port 2>/dev/null || true)
  [ -n "$port" ] || { port=$(pg_free_port 55432) || return 1; mkdir -p .data; echo "$port" > .data/pg.port; }
  pg_start_private "$dir" "$port" || return 1
  psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc "select 1 from pg_database where datname='learnd'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc 'create database learnd' >/dev/null || return 1
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/learnd?sslmode=disable"
  pg_log "started a private PostgreSQL in .data/pg on 127.0.0.1:$port (stop it with: make db-stop)"
}

pg_for_test() {
  if [ -n "${LEARND_TEST_DATABASE_URL:-}" ]; then return 0; fi
  if [ -n "${DATABASE_URL:-}" ]; then export LEARND_TEST_DATABASE_URL=$DATABASE_URL; return 0; fi
  local u; u=$(pg_local_user)
  if [ -n "$u" ]; then
    export LEARND_TEST_DATABASE_URL="postgres://$u@127.0.0.1:5432/postgres?sslmode=disable"
    pg_log "testing against the PostgreSQL on 127.0.0.1:5432"
    return 0
  fi
  local dir port
  dir=$(mktemp -d /tmp/learnd-pg.XXXXXX)
  port=$(pg_free_port 56432) || return 1
  PG_TEST_DIR=$dir
  trap 'pg_stop_private "$PG_TEST_DIR"; rm -rf "$PG_TEST_DIR"' EXIT
  pg_start_private "$dir" "$port" || return 1
  export LEARND_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  pg_log "started a throwaway PostgreSQL on 127.0.0.1:$port"
}

# pg_drop_test_leftovers: on a shared server (not a throwaway cluster), drop the migrated
# template databases the test packages share (learnd_tpl_*, made by store/storetest) and
# the learnd_app role once every package is done; tests drop their own databases.
pg_drop_test_leftovers() {
  [ -n "${PG_TEST_DIR:-}" ] && return 0
  command -v psql >/dev/null || return 0
  local db
  for db in $(psql "$LEARND_TEST_DATABASE_URL" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'learnd\_tpl\_%'" 2>/dev/null); do
    psql "$LEARND_TEST_DATABASE_URL" -qc "ALTER DATABASE $db WITH IS_TEMPLATE false" >/dev/null 2>&1 || true
    psql "$LEARND_TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  # The role the migrations create for row-level security; it stays while a database
  # (make run's learnd, say) still grants it something.
  psql "$LEARND_TEST_DATABASE_URL" -qc "DROP ROLE IF EXISTS learnd_app" >/dev/null 2>&1 || true
}
