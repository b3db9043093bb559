#!/usr/bin/env bash
# make bench: learnd against a minimal baseline (net/http + pgx + the same JWT check + the
# same caller lookup + the same SQL, no framework — scripts/bench/), and against a bare one
# (one statement per request, no caller lookup, no RLS), in one run, on one database.
#
#   1. find or start PostgreSQL (scripts/pg.sh), create a fresh database learnd_bench,
#      `learnd migrate` it and seed it (`bench seed`): per tenant the LMS core's dataset
#      (below), then BENCH_COHORTS cohorts across BENCH_TENANTS tenants whose groups and
#      facilitators are the tenant's own (learnd checks a cohort's references on every
#      write; the create bodies reference them too). The LMS dataset (seed 003, /api/v2):
#      the tenant's licence, BENCH_USERS users with searchable names and emails (a few
#      managers and admins, ~1% banned), 20 groups, BENCH_COURSES courses (3 sections, 10
#      elements, 5 quiz questions, transitions; some shared, 2% deleted), chains, ~20
#      assignments per user in a mix of statuses and element progress for the started ones;
#   2. mint one admin token per tenant with `learnd token` (the signing key both servers
#      use); its subject is a real admin user of the tenant (seeded in step 1), so the caller
#      lookup finds them;
#   3. start learnd (`learnd serve`, dev mode, LEARND_LOG_LEVEL=warn), the baseline and the
#      bare baseline (`bench baseline -mode bare`) as separate processes;
#   4. for each operation, first send the same read requests to every server and compare
#      the JSON answers with learnd's (response parity), then drive it at fixed concurrency,
#      learnd, the baseline and the bare baseline alternating (ABCCBA…), and print req/s,
#      p50/p99, server CPU µs per request and the learnd ÷ baseline ratio, whether learnd and
#      the baseline sent the same SQL (SQL parity), and learnd ÷ bare (req/s and p99) beside
#      learnd ÷ baseline with issue 10's targets;
#   5. stop the servers and drop the database (also on failure or Ctrl-C).
#
# Operations (BENCH_OPS, comma-separated, in order; default all):
#   get, list, create, patch   v1 cohorts: GET by id, list (page_size 50), POST, PATCH (If-Match)
#   find_user                  GET /api/v2/users?query=<name or email fragment>&limit=20
#   get_course                 GET /api/v2/courses/{courseId} (the course with its structure)
#   list_assignments           GET /api/v2/users/{userId}/courses/assignments?limit=20
#   compliance                 GET /api/v2/courses/{courseId}/statistics/users (default page, 50 rows)
#   export                     not a load: BENCH_EXPORT_ROWS (100000) audit entries seeded into the
#                              first tenant, downloaded once as CSV (GET /api/v2/audit?format=csv);
#                              prints rows, MB, seconds and learnd's resident-memory growth during
#                              the export (VmHWM after a clear_refs reset); runs before the load.
#                              Alone: BENCH_OPS=export BENCH_AI=0 BENCH_BARE=0 BENCH_COHORTS=0 BENCH_TENANTS=1
#
# Parity: the baseline does per request what learnd does besides its framework. Every
# request, v1 and v2, after the token check resolves the caller as learnd does
# (store.ResolveCaller: from a per-process cache of one minute, as store/callers.go, else
# one pgx batch = the set_config scope statement + callerSQL, one round trip; a banned
# user is refused and the role is capped by the user row's), then one transaction opened
# as learnd's (BEGIN and the scope in one round trip) with the statements of learnd's
# store for that operation (scripts/bench/sql.go for cohorts, incl. the group completion
# query on reads and writes, the reference check and the audit entry of writes;
# scripts/bench/lms_sql.go for the caller lookup and /api/v2), and answers the same JSON
# (learnd's API types, member for member). The ratio therefore measures the framework
# alone: routing, OpenAPI validation, middleware, strict handlers, GORM building SQL.
#
# Bare (scripts/bench/bare*.go): what a minimal server does for the same operations — the
# same token check, then ONE statement per request with the tenant from the token's claim
# in its WHERE clause, outside any transaction: no caller lookup, no set_config/SET ROLE,
# no row-level security (its connection must bypass RLS: a superuser or BYPASSRLS role, as
# the default throwaway cluster's postgres is). A cohort's completion, a user's groups, a
# course's structure and a report's totals come back in the same statement (LATERAL join,
# subquery, json_agg); writes carry their audit entry in a data-modifying CTE. The learnd ÷
# bare ratios therefore measure everything learnd does beyond that minimum, round trips
# included. Targets: ≥ 0.90 get, ≥ 0.85 list, ≥ 0.75 create and patch, p99 ≤ 1.5× bare's.
#
# Knobs (environment): BENCH_AI (1; 0 skips the offline AI generation timing), BENCH_BARE (1;
# 0 skips the bare baseline), BENCH_CONCURRENCY (16), BENCH_DURATION measured per op per server
# (8s, split over BENCH_SEGMENTS=8 alternating segments: L B B L L B B L …), BENCH_WARMUP before
# each server's first segment of an op (1s), BENCH_OPS (all, see above), BENCH_TENANTS
# (10), BENCH_COHORTS (100000), BENCH_USERS (2000 per tenant), BENCH_COURSES (200 per
# tenant; seeding the defaults takes ~35 s on 2 cores), BENCH_PARITY_REQUESTS (20 per read
# op; 0 skips the response check), BENCH_DB_MAX_CONNS (20, both pools), BENCH_SYNCHRONOUS_COMMIT
# (off: measure the servers, not the disk's fsync), BENCH_DB (learnd_bench), BENCH_KEEP=1 (keep
# the database and the work directory), BENCH_LEARND_BIN (bin/learnd; e.g. a patched build to
# compare), BENCH_BASELINE_JWT (verifier, the default: the very check learnd runs,
# auth.Verifier.Verify, so the ratio measures the framework alone; parse: bare jwx jwt.Parse
# with key set, issuer, audience, exp and leeway, ~50 µs slower, which flatters learnd).
# With the defaults a run takes 4½–6 minutes on 2 cores (8 ops × 3 servers × 8 s, warm-ups,
# ~35 s of seeding).
# A/B: BENCH_CANDIDATE_BIN=path starts that learnd build too (same environment, same database,
# its own port) as a third server in the same alternation, named $BENCH_CANDIDATE_NAME
# (candidate) in the table — far less noisy than comparing two separate runs.
# Profiling: BENCH_PROFILE_DIR=dir saves a CPU profile of each server's first measured segment
# per op (the baselines serve pprof themselves; learnd only if the binary given in BENCH_LEARND_BIN
# serves net/http/pprof on $BENCH_LEARND_PPROF_ADDR, which is passed to it as LEARND_PPROF_ADDR).
set -euo pipefail
cd "$(dirname "$0")/.."

CONCURRENCY=${BENCH_CONCURRENCY:-16}
DURATION=${BENCH_DURATION:-8s}
WARMUP=${BENCH_WARMUP:-1s}
SEGMENTS=${BENCH_SEGMENTS:-8}
LEARND_BIN=${BENCH_LEARND_BIN:-bin/learnd}
OPS=${BENCH_OPS:-get,list,create,patch,find_user,get_course,list_assignments,compliance,export}
TENANTS=${BENCH_TENANTS:-10}
COHORTS=${BENCH_COHORTS:-100000}
USERS=${BENCH_USERS:-2000}
COURSES=${BENCH_COURSES:-200}
PARITY=${BENCH_PARITY_REQUESTS:-20}
MAX_CONNS=${BENCH_DB_MAX_CONNS:-20}
SYNC_COMMIT=${BENCH_SYNCHRONOUS_COMMIT:-off}
DB=${BENCH_DB:-learnd_bench}

source scripts/pg.sh
pg_for_test
# pg_for_test may have installed an EXIT trap (a throwaway cluster); keep it for the end.
pg_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")

work=$(mktemp -d /tmp/learnd-bench.XXXXXX)
learnd_pid= baseline_pid= bare_pid= candidate_pid= db_created=
cleanup() {
  local rc=$?
  set +e
  for pid in $learnd_pid $baseline_pid $bare_pid $candidate_pid; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in $learnd_pid $baseline_pid $bare_pid $candidate_pid; do
    wait "$pid" 2>/dev/null
  done
  if [ "$rc" != 0 ]; then
    for f in learnd.log baseline.log bare.log candidate.log; do
      [ -s "$work/$f" ] && { echo "--- last lines of $f:" >&2; tail -n 20 "$work/$f" >&2; }
    done
  fi
  if [ "${BENCH_KEEP:-}" = 1 ]; then
    echo "kept database $DB and $work" >&2
  else
    [ -n "$db_created" ] && "$work/bench" drop -admin "$LEARND_TEST_DATABASE_URL" -db "$DB" >/dev/null 2>&1
    rm -rf "$work"
  fi
  eval "$pg_trap"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$LEARND_BIN" ] || go build -o bin/learnd .

# AI authoring, offline (no model, no database): generation from a 20-page document's
# chunks, and the whole upload path of a 20-page PDF (extract, chunk, embed) plus generation.
# Target: under 2 s. BENCH_AI=0 skips it.
if [ "${BENCH_AI:-1}" != 0 ]; then
  echo "AI authoring, offline generator (target < 2 s for a 20-page document):"
  go test -run '^$' -bench 'BenchmarkOffline20Pages|BenchmarkPipeline20PagePDF|BenchmarkPipelineCorpusPDF' -benchtime 20x -benchmem ./ai/offline |
    awk '/^Benchmark/ { printf "  %-32s %8.1f ms/op  %s words  %s B/op\n", $1, $3/1e6, $5, $7 }'
  echo "  (BenchmarkPipelineCorpusPDF: the corpus's real 23-page PDF, extract in the sandbox + chunk + embed + generate)"
  echo "Extraction per corpus file (sandboxed programs included):"
  go test -run '^$' -bench 'BenchmarkExtractCorpus' -benchtime 5x ./ai/extract |
    awk '/^Benchmark/ { sub(/^BenchmarkExtractCorpus\//, "", $1); sub(/-[0-9]+$/, "", $1); printf "  %-40s %8.1f ms\n", $1, $3/1e6 }'
  echo
fi
echo "building the benchmark (scripts/bench)…" >&2
go build -o "$work/bench" ./scripts/bench

echo "go: $(go version)"
echo "learnd: $LEARND_BIN, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' + local changes')"

bench_url=$("$work/bench" setup -admin "$LEARND_TEST_DATABASE_URL" -db "$DB" -synchronous-commit "$SYNC_COMMIT")
db_created=1
DATABASE_URL=$bench_url LEARND_LOG_LEVEL=warn "$LEARND_BIN" migrate >/dev/null
# One admin per tenant: the subject of the tenant's token, seeded as an admin user.
mapfile -t people < <("$work/bench" personids "$TENANTS")
"$work/bench" seed -db "$bench_url" -tenants "$TENANTS" -cohorts "$COHORTS" \
  -users "$USERS" -courses "$COURSES" -admins "$(IFS=,; echo "${people[*]}")"

# One admin token per tenant, signed with the key both servers verify against.
mkdir -p "$work/data"
key=$work/data/signing-key.pem
: >"$work/tokens"
for i in $(seq 0 $((TENANTS - 1))); do
  tenant=$(printf 't%02d' $((i + 1)))
  tok=$(LEARND_DATA_DIR=$work/data LEARND_SIGNING_KEY_FILE=$key \
    "$LEARND_BIN" token --tenant "$tenant" --sub "${people[$i]}" --role admin --ttl 2h)
  echo "$tenant $tok" >>"$work/tokens"
done

learnd_port=$(pg_free_port 18080)
baseline_port=$(pg_free_port $((learnd_port + 1)))
bare_port=$(pg_free_port $((baseline_port + 5)))
prof_flags=() baseline_prof=() bare_prof=() learnd_prof=()
if [ -n "${BENCH_PROFILE_DIR:-}" ]; then
  mkdir -p "$BENCH_PROFILE_DIR"
  pprof_port=$(pg_free_port $((baseline_port + 1)))
  bare_pprof_port=$(pg_free_port $((baseline_port + 7)))
  baseline_prof=(-pprof "127.0.0.1:$pprof_port")
  bare_prof=(-pprof "127.0.0.1:$bare_pprof_port")
  prof_flags=(-profile-dir "$BENCH_PROFILE_DIR" -baseline-pprof "http://127.0.0.1:$pprof_port")
  [ "${BENCH_BARE:-1}" != 0 ] && prof_flags+=(-bare-pprof "http://127.0.0.1:$bare_pprof_port")
  if [ -n "${BENCH_LEARND_PPROF_ADDR:-}" ]; then
    learnd_prof=(LEARND_PPROF_ADDR="$BENCH_LEARND_PPROF_ADDR")
    prof_flags+=(-learnd-pprof "http://$BENCH_LEARND_PPROF_ADDR")
  fi
fi

# learnd exactly as deployed, except: dev mode (generated secrets in a temp data dir),
# LEARND_LOG_LEVEL=warn, so the access log (info) does not write a line per request, and a
# per-caller rate limit far above what the load reaches (the limiter still runs on every
# request, but never refuses one; the default, 100/s per caller, would).
# (env execs learnd, so $! is learnd's own pid.)
env LEARND_DEV=true LEARND_DATA_DIR="$work/data" LEARND_SIGNING_KEY_FILE="$key" \
  LEARND_ADDR=127.0.0.1:$learnd_port LEARND_LOG_LEVEL=warn LEARND_DB_MAX_CONNS=$MAX_CONNS \
  LEARND_MIGRATE_ON_START=false LEARND_RATE_LIMIT_RPS=1000000 LEARND_RATE_LIMIT_BURST=1000000 DATABASE_URL="$bench_url" ${learnd_prof[@]+"${learnd_prof[@]}"} \
  "$LEARND_BIN" serve >"$work/learnd.log" 2>&1 &
learnd_pid=$!
"$work/bench" baseline -addr "127.0.0.1:$baseline_port" -db "$bench_url" -signing-key "$key" \
  -max-conns "$MAX_CONNS" -jwt "${BENCH_BASELINE_JWT:-verifier}" ${baseline_prof[@]+"${baseline_prof[@]}"} >"$work/baseline.log" 2>&1 &
baseline_pid=$!
bare_flags=()
if [ "${BENCH_BARE:-1}" != 0 ]; then
  "$work/bench" baseline -mode bare -addr "127.0.0.1:$bare_port" -db "$bench_url" -signing-key "$key" \
    -max-conns "$MAX_CONNS" -jwt "${BENCH_BASELINE_JWT:-verifier}" ${bare_prof[@]+"${bare_prof[@]}"} >"$work/bare.log" 2>&1 &
  bare_pid=$!
  bare_flags=(-bare "http://127.0.0.1:$bare_port" -bare-pid "$bare_pid")
fi
cand_flags=()
if [ -n "${BENCH_CANDIDATE_BIN:-}" ]; then
  candidate_port=$(pg_free_port $((baseline_port + 10)))
  env LEARND_DEV=true LEARND_DATA_DIR="$work/data" LEARND_SIGNING_KEY_FILE="$key" \
    LEARND_ADDR=127.0.0.1:$candidate_port LEARND_LOG_LEVEL=warn LEARND_DB_MAX_CONNS=$MAX_CONNS \
    LEARND_MIGRATE_ON_START=false LEARND_RATE_LIMIT_RPS=1000000 LEARND_RATE_LIMIT_BURST=1000000 DATABASE_URL="$bench_url" \
    "$BENCH_CANDIDATE_BIN" serve >"$work/candidate.log" 2>&1 &
  candidate_pid=$!
  "$work/bench" wait "http://127.0.0.1:$candidate_port/healthz" 30s
  cand_flags=(-candidate "http://127.0.0.1:$candidate_port" -candidate-pid "$candidate_pid"
    -candidate-name "${BENCH_CANDIDATE_NAME:-candidate}")
  echo "candidate: $BENCH_CANDIDATE_BIN, pid $candidate_pid on :$candidate_port"
fi
"$work/bench" wait "http://127.0.0.1:$learnd_port/healthz" 30s
"$work/bench" wait "http://127.0.0.1:$baseline_port/healthz" 30s
[ -z "$bare_pid" ] || "$work/bench" wait "http://127.0.0.1:$bare_port/healthz" 30s

echo "pools: learnd pgxpool MaxConns=$MAX_CONNS MaxConnLifetime=30m (GORM builds its SQL, pgx runs it);"
echo "       baseline pgxpool MaxConns=$MAX_CONNS MaxConnLifetime=30m; both pgx's default statement cache (prepared statements)"
echo "servers: learnd pid $learnd_pid on :$learnd_port, baseline pid $baseline_pid on :$baseline_port (GOMAXPROCS default, $(nproc) CPUs)"
echo "baseline: net/http ServeMux + pgxpool + token check $([ "${BENCH_BASELINE_JWT:-verifier}" = parse ] && echo 'jwx jwt.Parse(WithKeySet, issuer, audience, exp, leeway)' || echo "learnd's auth.Verifier.Verify")"
echo "          + learnd's caller lookup (cached a minute per process; else one batch: scope + callerSQL) + the statements of learnd's store + the same JSON"
if [ -n "$bare_pid" ]; then
  echo "bare: pid $bare_pid on :$bare_port; net/http ServeMux + pgxpool (MaxConns=$MAX_CONNS) + the same token check + ONE statement per"
  echo "      request (tenant from the token in the WHERE clause; no caller lookup, no RLS/set_config, no transaction for reads) + the same JSON"
fi

# The CSV export is measured on its own, before the load; the load takes the other ops.
load_ops=$(echo ",$OPS," | sed -E 's/,export,/,/g; s/^,+//; s/,+$//')
if [[ ",$OPS," == *,export,* ]]; then
  "$work/bench" export -learnd "http://127.0.0.1:$learnd_port" -learnd-pid "$learnd_pid" -db "$bench_url" \
    -tokens "$work/tokens" -rows "${BENCH_EXPORT_ROWS:-100000}"
fi
[ -z "$load_ops" ] || "$work/bench" load \
  -learnd "http://127.0.0.1:$learnd_port" -learnd-pid "$learnd_pid" \
  -baseline "http://127.0.0.1:$baseline_port" -baseline-pid "$baseline_pid" \
  -db "$bench_url" -tokens "$work/tokens" -c "$CONCURRENCY" -d "$DURATION" -warmup "$WARMUP" \
  -segments "$SEGMENTS" -ops "$load_ops" -page-size 50 -parity-requests "$PARITY" -hz "$(getconf CLK_TCK)" ${prof_flags[@]+"${prof_flags[@]}"} \
  ${bare_flags[@]+"${bare_flags[@]}"} ${cand_flags[@]+"${cand_flags[@]}"}
