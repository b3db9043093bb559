#!/usr/bin/env bash
# ensure-webhook-verify.sh — make sure the npm standardwebhooks package (pinned in
# scripts/webhook-verify/package.json and its lock file) is installed: the webhook tests
# (jobs/webhook_*_test.go) verify learnd's signatures with it, an implementation
# independent of the Go signer.
#
# Idempotent and quiet when the pinned version is already there; otherwise `npm ci` and one
# line saying so.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/scripts/webhook-verify"
want="$(node -p 'require(process.argv[1]).dependencies["standardwebhooks"]' "$dir/package.json")"
pkg="$dir/node_modules/standardwebhooks/package.json"
if [[ -f "$pkg" ]] && [[ "$(node -p 'require(process.argv[1]).version' "$pkg" 2>/dev/null)" == "$want" ]]; then
	exit 0
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
	cat "$log" >&2
	echo "ensure-webhook-verify: npm ci in scripts/webhook-verify failed" >&2
	exit 1
fi
echo "ensure-webhook-verify: installed standardwebhooks $want into scripts/webhook-verify"
