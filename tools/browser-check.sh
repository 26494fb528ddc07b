#!/usr/bin/env bash
# Real-browser check of an HTML report: print it to PDF with headless Chromium (A4 landscape
# comes from the report's own @page rule), then check the PDF's text and page count, and render
# every page to PNG for a person to look at.
#
#   tools/browser-check.sh HTML_FILE OUT_DIR [--expect TEXT]... [--per-page TEXT]... [--pages MIN-MAX] [--install]
#
# --expect: TEXT is somewhere in the PDF; --per-page: TEXT is on every page (a repeated table
# header); --pages: the page count is within MIN-MAX.
#
# Writes OUT_DIR/report.pdf, report.txt, page-N.png and phone.png. Exit 0 when every check
# passes, 1 when one fails, 2 on bad usage, 3 when Chromium or poppler-utils is missing (with
# --install it tries `apt-get install chromium poppler-utils` first; exit 3 still means "skip").
set -euo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[[ $# -ge 2 ]] || usage
html=$1; out=$2; shift 2
expects=(); perpage=(); pages=""; install=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --expect) expects+=("$2"); shift 2 ;;
        --per-page) perpage+=("$2"); shift 2 ;;
        --pages) pages=$2; shift 2 ;;
        --install) install=1; shift ;;
        *) usage ;;
    esac
done
[[ -f $html ]] || { echo "browser-check: no such file: $html" >&2; exit 2; }

find_chromium() { command -v chromium || command -v chromium-browser || command -v google-chrome || true; }
browser=$(find_chromium)
if [[ -z $browser || -z $(command -v pdftotext || true) ]] && [[ $install == 1 ]]; then
    echo "browser-check: installing chromium and poppler-utils (apt-get)..."
    if command -v apt-get >/dev/null; then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-dejavu-core) >/dev/null 2>&1 || true
    fi
    browser=$(find_chromium)
fi
if [[ -z $browser || -z $(command -v pdftotext || true) || -z $(command -v pdftoppm || true) ]]; then
    echo "browser-check: SKIPPED: chromium or poppler-utils (pdftotext, pdfinfo, pdftoppm) is not installed" >&2
    exit 3
fi

mkdir -p "$out"
pdf="$out/report.pdf"
rm -f "$pdf" "$out"/page-*.png
abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
# A throwaway profile; no network is needed (the report has no URL), so none is allowed to matter.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --user-data-dir="$profile" --no-first-run --disable-extensions --disable-background-networking \
    --no-pdf-header-footer --print-to-pdf="$pdf" "file://$abs" >/dev/null 2>&1 || true
[[ -s $pdf ]] || { echo "browser-check: FAILED: Chromium wrote no PDF" >&2; exit 1; }

fail=0
count=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
size=$(pdfinfo "$pdf" | awk -F': *' '/^Page size:/ { print $2 }')
echo "pages: $count ($size)"
if [[ -n $pages ]]; then
    lo=${pages%-*}; hi=${pages#*-}
    if (( count < lo || count > hi )); then echo "FAIL: $count pages, expected $pages"; fail=1; fi
fi
# A4 landscape is 842 x 595 pt.
if [[ $size != 841.* && $size != 842* ]]; then echo "FAIL: page size is not A4 landscape: $size"; fail=1; fi

pdftotext -layout "$pdf" "$out/report.txt"
for text in ${expects[@]+"${expects[@]}"}; do
    # Compare without line breaks and repeated spaces: the layout may wrap a phrase.
    if tr -s ' \n' '  ' < "$out/report.txt" | grep -qF -- "$text"; then
        echo "found: $text"
    else
        echo "FAIL: not found in the PDF text: $text"; fail=1
    fi
done
for text in ${perpage[@]+"${perpage[@]}"}; do
    missing=""
    for ((page = 1; page <= count; page++)); do
        pdftotext -f "$page" -l "$page" -layout "$pdf" - | tr -s ' \n' '  ' | grep -qF -- "$text" || missing="$missing $page"
    done
    if [[ -z $missing ]]; then echo "on every page: $text"; else echo "FAIL: not on page(s)$missing: $text"; fail=1; fi
done

pdftoppm -png -r 70 "$pdf" "$out/page"
echo "png: $(ls "$out"/page-*.png | tr '\n' ' ')"

# How a phone shows it: 390 CSS pixels wide (wide tables scroll inside their wrapper).
timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --user-data-dir="$profile" --no-first-run --hide-scrollbars --window-size=390,1600 \
    --screenshot="$out/phone.png" "file://$abs" >/dev/null 2>&1 || true
[[ -s $out/phone.png ]] && echo "phone: $out/phone.png"
exit $fail
