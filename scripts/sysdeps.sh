#!/bin/sh
# Install the Debian packages publish needs, if any are missing. As root with apt-get it
# installs them; otherwise it stops with one line naming exactly what to install.
#   fonts-noto-cjk        Noto Serif/Sans CJK SC, TC, HK: the editions' fonts
#   libharfbuzz-subset0   WeasyPrint's fast font subsetting (10x slower without it)
#   libpango-1.0-0, libpangoft2-1.0-0   WeasyPrint's text layout
#   fontconfig            font discovery
#   fonts-dejavu-core     code blocks (DejaVu Sans Mono) and symbols CJK fonts lack (↩)
#   fonts-noto-color-emoji  emoji (reports use 💡, 📦, ✅ as bullets); fontconfig falls
#                         back to it, WeasyPrint draws it in colour
#   default-jre-headless  Java for EPUBCheck (tests and `make check`), unless java exists
#   libreoffice-writer-nogui, libreoffice-math-nogui  `soffice` for the test that opens
#                         and prints each DOCX, equations included (measured: 50 packages,
#                         about 15 s to download and install)
#   poppler-utils         pdftoppm and pdffonts: tests read each PDF back as poppler
#                         (Evince, Okular) draws it, which reads fonts its own way
#   chromium, chromium-driver  headless Chromium for tests/test_site.py (the download
#                         pages drawn, switched and printed as a reader's browser does) and
#                         tests/test_preview.py (a page reloaded on save); measured: 14 s
#                         to install both, apt-get update included
set -eu
PKGS="fonts-noto-cjk fonts-dejavu-core fonts-noto-color-emoji libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig libreoffice-writer-nogui libreoffice-math-nogui poppler-utils chromium chromium-driver"
command -v java >/dev/null 2>&1 || PKGS="$PKGS default-jre-headless"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fc-cache -f >/dev/null 2>&1 || true
else
  echo "publish: missing system packages:$missing; install them with: sudo apt-get install$missing" >&2
  exit 1
fi
