# shellcheck shell=bash
# redis.sh — sourced by scripts/test.sh: a Redis for the tests of the shared limits.
#
#   redis_for_test   exports LEARND_TEST_REDIS_URL: itself if already set; else the Redis
#                    answering on 127.0.0.1:6379 (database 15, so test keys stay out of
#                    a development database 0; each test also uses a key prefix of its
#                    own and deletes its keys); else a throwaway redis-server on a free
#                    port (installed with apt-get when missing, like ensure-tools.sh),
#                    without persistence, stopped and removed when the calling shell
#                    exits.
#
# LEARND_REDIS_PRIVATE=1 skips the 127.0.0.1:6379 probe (forces the throwaway server).

redis_log() { printf 'redis: %s\n' "$*" >&2; }

# redis_ping PORT: whether a Redis answers PING on 127.0.0.1:PORT without a password.
redis_ping() {
  local line=""
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  IFS= read -r -t 2 line <&3 || true
  exec 3<&- 3>&-
  [[ "$line" == "+PONG"* ]]
}

# redis_port_free PORT: whether nothing listens on 127.0.0.1:PORT.
redis_port_free() {
  if { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then
    exec 3<&- 3>&-
    return 1
  fi
}

# redis_install: Debian's redis-server, through apt-get (as root, or with sudo).
redis_install() {
  command -v redis-server >/dev/null 2>&1 && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    redis_log "redis-server is not installed and there is no apt-get; install Redis or set LEARND_TEST_REDIS_URL"
    return 1
  fi
  local as_root=() log
  if [[ $(id -u) != 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      redis_log "redis-server is not installed; run as root or install sudo (apt-get install redis-server)"
      return 1
    fi
    as_root=(sudo -E)
  fi
  log=$(mktemp)
  if ! { DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get update &&
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y --no-install-recommends redis-server; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    redis_log "installing redis-server failed"
    return 1
  fi
  rm -f "$log"
  redis_log "installed redis-server $(dpkg-query -W -f='${Version}' redis-server 2>/dev/null || echo '?')"
}

# redis_stop_private DIR: stop the throwaway server whose pid file is in DIR.
redis_stop_private() {
  local pid
  pid=$(cat "$1/redis.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}

redis_for_test() {
  if [ -n "${LEARND_TEST_REDIS_URL:-}" ]; then return 0; fi
  if [ "${LEARND_REDIS_PRIVATE:-}" != 1 ] && redis_ping 6379; then
    export LEARND_TEST_REDIS_URL="redis://127.0.0.1:6379/15"
    redis_log "testing against the Redis on 127.0.0.1:6379 (database 15)"
    return 0
  fi
  redis_install || return 1
  local port=56379 dir prev
  while ! redis_port_free "$port"; do
    port=$((port + 1))
    if ((port > 56479)); then redis_log "no free port in 56379-56479"; return 1; fi
  done
  dir=$(mktemp -d /tmp/learnd-redis.XXXXXX)
  REDIS_TEST_DIR=$dir
  # Stop it when the shell exits, after whatever else (pg.sh's cluster) is due then.
  prev=$(trap -p EXIT)
  if [ -n "$prev" ]; then
    eval "set -- $prev"
    prev=$3
  fi
  # shellcheck disable=SC2064
  trap "redis_stop_private \"\$REDIS_TEST_DIR\"; rm -rf \"\$REDIS_TEST_DIR\"${prev:+; $prev}" EXIT
  if ! redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null; then
    redis_log "redis-server did not start"
    return 1
  fi
  for _ in $(seq 50); do
    if redis_ping "$port"; then
      export LEARND_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
      redis_log "started a throwaway Redis on 127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  cat "$dir/redis.log" >&2 2>/dev/null
  redis_log "redis-server did not answer on 127.0.0.1:$port"
  return 1
}
