#!/bin/sh
# Regenerate docs/bilaga3.png, the picture of the sheet "Bilaga 3" shown in the README.
#
# Exports the 2024 workbook, has LibreOffice (headless, Swedish locale so that thousands are
# separated by spaces) render it to PDF with one page per sheet, and turns the page of the
# sheet "Bilaga 3" into a PNG at 80 dpi. Needs: godnaravard installed, soffice, pdftoppm
# (Debian/Ubuntu: apt-get install libreoffice-calc poppler-utils).
#
# Usage: docs/make_screenshot.sh            (from anywhere; writes docs/bilaga3.png)
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
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

"$python" -m godnaravard export --agreement god-och-nara-vard-2024 --output "$work/godnaravard_2024.xlsx" >/dev/null
HOME="$work" soffice -env:UserInstallation="file://$work/profile" --headless \
    --convert-to 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}' \
    --outdir "$work" "$work/godnaravard_2024.xlsx" >/dev/null 2>&1
page=$("$python" -c 'from godnaravard.excel import sheet_names; print(list(sheet_names("god-och-nara-vard-2024")).index("Bilaga 3") + 1)')
pdftoppm -png -r 80 -f "$page" -l "$page" -singlefile "$work/godnaravard_2024.pdf" "$repo/docs/bilaga3"
echo "wrote $repo/docs/bilaga3.png (page $page of the workbook's PDF)"
