#!/bin/sh
# Regenerate the pictures of the workbook in the docs: docs/workbook-oversikt.png (the cover) and
# docs/bilaga3.png (the sheet "Bilaga 3"), each a page as it prints.
#
# Exports the God och nära vård workbook, has LibreOffice (headless, Swedish locale so that
# thousands are separated by spaces, every formula recalculated on load) print it to PDF with
# the workbook's own page setup (A4 landscape, headers and footers), and turns the first page
# of each of the two sheets into a PNG at print resolution (DPI, default 110).
#
# It checks its tools first and names every one that is missing:
#   python with godnaravard installed (PYTHON, default python3), soffice (LibreOffice Calc),
#   pdftoppm, pdftotext and pdfinfo (poppler-utils).
#   Debian/Ubuntu: apt-get install libreoffice-calc-nogui poppler-utils
#
# Usage: docs/make_screenshot.sh            (from anywhere; writes into docs/)
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
dpi=${DPI:-110}

missing=""
if ! command -v "$python" >/dev/null 2>&1; then
    missing="$missing $python"
elif ! "$python" -c 'import godnaravard' >/dev/null 2>&1; then
    missing="$missing godnaravard(pip install . with $python)"
fi
for tool in soffice pdftoppm pdftotext pdfinfo; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
    echo "make_screenshot.sh: missing:$missing" >&2
    echo "  (Debian/Ubuntu: apt-get install libreoffice-calc-nogui poppler-utils; pip install .)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A private LibreOffice profile: Swedish number formatting, recalculate formulas on load.
mkdir -p "$work/profile/user"
cat > "$work/profile/user/registrymodifications.xcu" <<'XCU'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>sv-SE</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
XCU

book="$work/godnaravard.xlsx"
"$python" -m godnaravard export --agreement god-och-nara-vard-2024 --output "$book" >/dev/null
HOME="$work" soffice -env:UserInstallation="file://$work/profile" --headless --norestore \
    --convert-to pdf --outdir "$work" "$book" >/dev/null 2>&1
pdf="$work/godnaravard.pdf"
[ -f "$pdf" ] || { echo "make_screenshot.sh: LibreOffice did not print $book" >&2; exit 1; }

# The first page whose header names the sheet (the header's right-hand part is the sheet's name).
first_page() {
    pages=$(pdfinfo "$pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
    [ -n "$pages" ] || pages=200
    p=1
    while [ "$p" -le "$pages" ]; do
        if pdftotext -f "$p" -l "$p" -layout "$pdf" - 2>/dev/null | sed -n '/[^ ]/{p;q}' | grep -q " $1\$"; then
            echo "$p"
            return
        fi
        p=$((p + 1))
    done
    echo "make_screenshot.sh: no page of sheet $1 in $pdf" >&2
    exit 1
}

shoot() {  # sheet, picture
    page=$(first_page "$1")
    pdftoppm -png -r "$dpi" -f "$page" -l "$page" -singlefile "$pdf" "$repo/docs/$2"
    echo "wrote $repo/docs/$2.png (sheet $1, page $page of the workbook as printed, $dpi dpi)"
}

shoot "Översikt" workbook-oversikt
shoot "Bilaga 3" bilaga3
