#!/usr/bin/env bash
# ensure-speclint.sh — make sure the contract's linters and the TypeScript client generator
# (npm: @stoplight/spectral-cli, @redocly/cli, openapi-typescript, typescript; pinned in
# scripts/speclint/package.json and its lock file) are installed, for `make lint` and the
# contract tests (internal/contract).
#
# Idempotent and quiet when the pinned versions are there; otherwise `npm ci` and one line
# saying so.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/scripts/speclint"
ok=1
for pkg in @stoplight/spectral-cli @redocly/cli openapi-typescript typescript; do
	want="$(node -p 'require(process.argv[1]).dependencies[process.argv[2]]' "$dir/package.json" "$pkg")"
	have="$(node -p 'require(process.argv[1]).version' "$dir/node_modules/$pkg/package.json" 2>/dev/null || true)"
	[[ "$have" == "$want" ]] || ok=0
done
if [[ $ok == 1 ]]; then
	exit 0
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
	cat "$log" >&2
	echo "ensure-speclint: npm ci in scripts/speclint failed" >&2
	exit 1
fi
echo "ensure-speclint: installed Spectral, Redocly, openapi-typescript and TypeScript into scripts/speclint"
