#!/usr/bin/env bash
# ensure-inspector-strict.sh — make sure the MCP Inspector 2.x CLI (npm
# @modelcontextprotocol/inspector, pinned in scripts/mcp-inspector-strict/package.json and
# its lock file) is installed, for the schema portability test
# (tools/e2e_mcp_strict_test.go: `--method tools/list --strict`, 0 errors and 0 warnings).
#
# Idempotent and quiet when the pinned version is already there; otherwise `npm ci` and one
# line saying so. The package declares node >= 22.19; its CLI runs on the Node.js 20 these
# machines have.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/scripts/mcp-inspector-strict"
want="$(node -p 'require(process.argv[1]).dependencies["@modelcontextprotocol/inspector"]' "$dir/package.json")"
pkg="$dir/node_modules/@modelcontextprotocol/inspector/package.json"
if [[ -f "$pkg" ]] && [[ "$(node -p 'require(process.argv[1]).version' "$pkg" 2>/dev/null)" == "$want" ]]; then
	exit 0
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
	cat "$log" >&2
	echo "ensure-inspector-strict: npm ci in scripts/mcp-inspector-strict failed" >&2
	exit 1
fi
echo "ensure-inspector-strict: installed @modelcontextprotocol/inspector $want into scripts/mcp-inspector-strict"
