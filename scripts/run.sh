#!/usr/bin/env bash
# make run: find or start PostgreSQL, migrate, seed the demo tenant, serve in dev mode.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
pg_for_run
export LEARND_DEV=${LEARND_DEV:-true}
export LEARND_DEMO_ENV_FILE=${LEARND_DEMO_ENV_FILE:-.data/demo.env}
./bin/learnd migrate
./bin/learnd seed
exec ./bin/learnd serve
