#!/usr/bin/env bash
# ensure-browser.sh — make sure the headless browser checks can run: Debian's Chromium and
# the pinned npm packages of the API explorer check (scripts/explorer-e2e: playwright-core)
# and of the MCP OAuth check (scripts/mcp-oauth-e2e: the official TypeScript MCP SDK,
# @modelcontextprotocol/sdk, and playwright-core; tools/e2e_oauth_sdk_test.go).
#
# Idempotent and quiet when everything is already present; otherwise prints one
# line saying what it installed. Runs as root (apt-get needs it).
#
#   CHROMIUM_PATH  browser to check for (default /usr/bin/chromium)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
e2e="$root/scripts/explorer-e2e"
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
installed=()

if [[ ! -x "$chromium" ]]; then
	if [[ "$chromium" != /usr/bin/chromium ]]; then
		echo "ensure-browser: CHROMIUM_PATH=$chromium does not exist" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	log="$(mktemp)"
	trap 'rm -f "$log"' EXIT
	if ! { apt-get update && apt-get install -y --no-install-recommends chromium; } >"$log" 2>&1; then
		cat "$log" >&2
		echo "ensure-browser: installing chromium failed" >&2
		exit 1
	fi
	installed+=("chromium $(dpkg-query -W -f='${Version}' chromium 2>/dev/null || echo '?')")
fi

if [[ ! -d "$e2e/node_modules/playwright-core" ]]; then
	if ! out="$(cd "$e2e" && npm ci --no-audit --no-fund 2>&1)"; then
		printf '%s\n' "$out" >&2
		echo "ensure-browser: npm ci in scripts/explorer-e2e failed" >&2
		exit 1
	fi
	installed+=("playwright-core $(node -p 'require(process.argv[1]).version' "$e2e/node_modules/playwright-core/package.json")")
fi

oauth="$root/scripts/mcp-oauth-e2e"
if [[ ! -d "$oauth/node_modules/@modelcontextprotocol/sdk" || ! -d "$oauth/node_modules/playwright-core" ]]; then
	if ! out="$(cd "$oauth" && npm ci --no-audit --no-fund 2>&1)"; then
		printf '%s\n' "$out" >&2
		echo "ensure-browser: npm ci in scripts/mcp-oauth-e2e failed" >&2
		exit 1
	fi
	installed+=("@modelcontextprotocol/sdk $(node -p 'require(process.argv[1]).version' "$oauth/node_modules/@modelcontextprotocol/sdk/package.json")")
fi

if ((${#installed[@]})); then
	msg="${installed[0]}"
	for item in "${installed[@]:1}"; do msg+=", $item"; done
	echo "ensure-browser: installed $msg"
fi
