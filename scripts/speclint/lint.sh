#!/usr/bin/env bash
# lint.sh — lint the bundled contract (gen/openapi.yaml) with Spectral (spectral:oas) and
# Redocly (recommended): any error, warning, info or hint fails. The three findings Redocly
# is told to keep are listed, with why, in .redocly.lint-ignore.yaml. The linters are
# installed by scripts/ensure-speclint.sh (pinned in package.json and its lock file).
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$dir/../ensure-speclint.sh"
cd "$dir"
spec=../../gen/openapi.yaml
./node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity hint "$spec"
# Redocly exits non-zero on errors only; warnings are counted from its summary.
out="$(./node_modules/.bin/redocly lint --config redocly.yaml --format stylish "$spec" 2>&1)" || { echo "$out" >&2; exit 1; }
if grep -qiE '[0-9]+ warnings?' <<<"$out" && ! grep -qiE '\b0 warnings' <<<"$out"; then
	echo "$out" >&2
	echo "speclint: Redocly reports warnings" >&2
	exit 1
fi
echo "speclint: Spectral and Redocly: 0 errors, 0 warnings"
