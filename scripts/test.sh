#!/usr/bin/env bash
# make test: every test against a throwaway PostgreSQL (found or started like make run),
# with a Redis for the shared limits (the one on 127.0.0.1:6379, or a throwaway
# redis-server: scripts/redis.sh), the headless browser the explorer test drives and the
# programs the source-material tests run (antiword, tesseract), and the MCP Inspector CLI
# the MCP test drives (1.x, and 2.x for its --strict schema lint), and the contract's
# linters and TypeScript client generator (internal/contract).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
pg_for_test
source scripts/redis.sh
redis_for_test
bash scripts/ensure-browser.sh
bash scripts/ensure-tools.sh
bash scripts/ensure-inspector.sh
bash scripts/ensure-inspector-strict.sh
bash scripts/ensure-speclint.sh
bash scripts/ensure-webhook-verify.sh
mkdir -p .artifacts
export LEARND_ARTIFACTS="$(pwd)/.artifacts"
rc=0
go test -count=1 -timeout 20m ./... "$@" || rc=$?
pg_drop_test_leftovers
exit $rc
