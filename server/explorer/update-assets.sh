#!/usr/bin/env bash
# update-assets.sh — re-fetch the Swagger UI files embedded in the explorer.
#
# The vendored files in assets/ come verbatim from the npm package
# swagger-ui-dist at the pinned VERSION below. To upgrade, change VERSION, run
# this script, and review the diff (and the explorer e2e check:
# scripts/explorer-e2e). index.html, explorer.js and explorer.css are ours and
# are not touched.
#
#   usage: server/explorer/update-assets.sh [--check]
#     --check  fetch into a temp dir and fail if assets/ differs (provenance check)
set -euo pipefail

VERSION=5.35.0
FILES=(
	swagger-ui-bundle.js
	swagger-ui-bundle.js.LICENSE.txt
	swagger-ui.css
	favicon-16x16.png
	favicon-32x32.png
	LICENSE
	NOTICE
)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/assets"
check=false
[[ "${1:-}" == "--check" ]] && check=true

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "swagger-ui-dist@$VERSION" >/dev/null)
tar -xzf "$tmp/swagger-ui-dist-$VERSION.tgz" -C "$tmp"

got="$(node -p 'require(process.argv[1]).version' "$tmp/package/package.json")"
if [[ "$got" != "$VERSION" ]]; then
	echo "update-assets: npm returned swagger-ui-dist $got, want $VERSION" >&2
	exit 1
fi

status=0
for f in "${FILES[@]}"; do
	if $check; then
		if ! cmp -s "$tmp/package/$f" "$dest/$f"; then
			echo "update-assets: assets/$f differs from swagger-ui-dist@$VERSION" >&2
			status=1
		fi
	else
		install -m 0644 "$tmp/package/$f" "$dest/$f"
	fi
done
if ! $check; then
	echo "$VERSION" >"$dest/SWAGGER_UI_VERSION"
	echo "update-assets: assets/ now holds swagger-ui-dist@$VERSION (${#FILES[@]} files)"
elif [[ "$(cat "$dest/SWAGGER_UI_VERSION" 2>/dev/null)" != "$VERSION" ]]; then
	echo "update-assets: assets/SWAGGER_UI_VERSION does not say $VERSION" >&2
	status=1
fi
exit "$status"
