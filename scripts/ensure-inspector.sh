#!/usr/bin/env bash
# ensure-inspector.sh — make sure the MCP Inspector CLI (npm @modelcontextprotocol/inspector,
# pinned below) is installed under .tools/inspector, where the MCP end-to-end test
# (tools/e2e_mcp_inspector_test.go) runs it in --cli mode against `learnd serve`.
#
# Idempotent and quiet when the pinned version is already there; otherwise prints one line
# saying what it installed. Needs node and npm (the npm registry).
#
# The pin is the last release line with the --cli mode the test drives (--transport http,
# --header, --method tools/list and tools/call) that still runs on the Node.js 20 these
# machines have (2.x needs Node.js 22.19+); it declares node >= 22.7.5 but works on 20.
set -euo pipefail

version=1.0.3
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/.tools/inspector"
pkg="$dir/node_modules/@modelcontextprotocol/inspector/package.json"

if [[ -f "$pkg" ]] && [[ "$(node -p 'require(process.argv[1]).version' "$pkg" 2>/dev/null)" == "$version" ]]; then
	exit 0
fi
for prog in node npm; do
	if ! command -v "$prog" >/dev/null 2>&1; then
		echo "ensure-inspector: $prog is missing; install Node.js and npm to run the MCP Inspector test" >&2
		exit 1
	fi
done

mkdir -p "$dir"
# .tools/ holds installed tools only: keep it out of git whatever .gitignore says.
[[ -f "$root/.tools/.gitignore" ]] || printf '*\n' >"$root/.tools/.gitignore"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
	"@modelcontextprotocol/inspector@$version" >"$log" 2>&1; then
	cat "$log" >&2
	echo "ensure-inspector: npm install @modelcontextprotocol/inspector@$version failed" >&2
	exit 1
fi
if [[ ! -x "$dir/node_modules/.bin/mcp-inspector" ]]; then
	cat "$log" >&2
	echo "ensure-inspector: $dir/node_modules/.bin/mcp-inspector is missing after the install" >&2
	exit 1
fi
echo "ensure-inspector: installed @modelcontextprotocol/inspector $version into .tools/inspector"
