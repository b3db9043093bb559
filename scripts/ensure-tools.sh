#!/usr/bin/env bash
# ensure-tools.sh — make sure the programs learnd calls to read source materials (and the
# tests that upload them) are installed: Debian's poppler-utils (pdfinfo, pdftohtml,
# pdftoppm: PDF), tesseract-ocr with its English data (OCR of images and scanned pages),
# antiword (legacy Word .doc), unzip (the parts of a .docx) and util-linux's prlimit (the
# sandbox's limits), and curl and python3 (the README's blocks, which make test runs).
#
# Idempotent and quiet when everything is already present; otherwise prints one line
# saying what it installed. apt-get runs as root, through sudo when not root. Without apt-get (not Debian),
# it names what is missing and exits 1.
#
#   LEARND_SKIP_TOOLS=1  do nothing (the material tests then report the missing programs)
set -euo pipefail

if [[ "${LEARND_SKIP_TOOLS:-}" == 1 ]]; then
	exit 0
fi

# program → Debian package(s)
declare -A want=(
	[tesseract]="tesseract-ocr tesseract-ocr-eng"
	[antiword]="antiword"
	[pdftohtml]="poppler-utils"
	[pdfinfo]="poppler-utils"
	[pdftoppm]="poppler-utils"
	[unzip]="unzip"
	[prlimit]="util-linux"
	[curl]="curl"       # the README's blocks (internal/readme runs them)
	[python3]="python3" # the README's blocks read JSON with it
)
pkgs=()
for prog in "${!want[@]}"; do
	if ! command -v "$prog" >/dev/null 2>&1; then
		read -r -a p <<<"${want[$prog]}"
		for q in "${p[@]}"; do
			[[ " ${pkgs[*]:-} " == *" $q "* ]] || pkgs+=("$q")
		done
	fi
done
# The English OCR data can be missing even where the program is present.
if command -v tesseract >/dev/null 2>&1 && ! tesseract --list-langs 2>/dev/null | grep -qx eng; then
	pkgs+=(tesseract-ocr-eng)
fi
if ((${#pkgs[@]} == 0)); then
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-tools: missing ${pkgs[*]} and no apt-get to install them; install them by hand" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
as_root=()
if [[ $(id -u) != 0 ]]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "ensure-tools: missing ${pkgs[*]}; run as root or install sudo (apt-get install ${pkgs[*]})" >&2
		exit 1
	fi
	as_root=(sudo -E)
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { "${as_root[@]}" apt-get update && "${as_root[@]}" apt-get install -y --no-install-recommends "${pkgs[@]}"; } >"$log" 2>&1; then
	cat "$log" >&2
	echo "ensure-tools: installing ${pkgs[*]} failed" >&2
	exit 1
fi
msg=""
for p in "${pkgs[@]}"; do
	msg+="${msg:+, }$p $(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || echo '?')"
done
echo "ensure-tools: installed $msg"
