#!/usr/bin/env bash
# Re-fetch the vendored front-end assets from the npm registry into hamafza/core/static/vendor/.
# The platform never loads assets from a CDN: these files are committed and served by the platform.
# Versions are those recorded in hamafza/core/static/vendor/VERSIONS.md; change both together.
set -euo pipefail
cd "$(dirname "$0")/.."
V=hamafza/core/static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fetch() {  # fetch NAME@VERSION -> $tmp/<dir>/package
  local spec=$1 dir=$2
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null && mkdir -p "$dir" && tar xzf ./*.tgz -C "$dir" && rm ./*.tgz)
}
strip_maps() { sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##; s#//\# sourceMappingURL=.*$##' "$@"; }

fetch bootstrap@5.3.9 bootstrap
mkdir -p $V/bootstrap/css $V/bootstrap/js
cp "$tmp"/bootstrap/package/dist/css/bootstrap{.rtl,}.min.css $V/bootstrap/css/
cp "$tmp"/bootstrap/package/dist/js/bootstrap.bundle.min.js $V/bootstrap/js/
cp "$tmp"/bootstrap/package/LICENSE $V/bootstrap/
strip_maps $V/bootstrap/css/*.css $V/bootstrap/js/*.js

fetch htmx.org@2.0.11 htmx
mkdir -p $V/htmx
cp "$tmp"/htmx/package/dist/htmx.min.js "$tmp"/htmx/package/LICENSE $V/htmx/

fetch vazirmatn@33.0.3 vazirmatn
mkdir -p $V/vazirmatn/fonts/webfonts
cp "$tmp"/vazirmatn/package/Vazirmatn-Variable-font-face.css "$tmp"/vazirmatn/package/OFL.txt $V/vazirmatn/
cp "$tmp/vazirmatn/package/fonts/webfonts/Vazirmatn[wght].woff2" $V/vazirmatn/fonts/webfonts/Vazirmatn-wght.woff2
sed -i 's#Vazirmatn\[wght\].woff2#Vazirmatn-wght.woff2#g' $V/vazirmatn/Vazirmatn-Variable-font-face.css

fetch @majidh1/jalalidatepicker@0.9.12 jdp
mkdir -p $V/jalalidatepicker
cp "$tmp"/jdp/package/dist/jalalidatepicker.min.{js,css} $V/jalalidatepicker/
cp "$tmp"/jdp/package/LICENSE $V/jalalidatepicker/ 2>/dev/null || true

fetch swagger-ui-dist@5.35.0 swagger
mkdir -p $V/swagger-ui
for f in swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE swagger-ui-bundle.js.LICENSE.txt; do
  [ -f "$tmp/swagger/package/$f" ] && cp "$tmp/swagger/package/$f" $V/swagger-ui/
done
strip_maps $V/swagger-ui/swagger-ui-bundle.js $V/swagger-ui/swagger-ui.css
fetch chart.js@4.5.1 chartjs
mkdir -p $V/chartjs
cp "$tmp"/chartjs/package/dist/chart.umd.min.js "$tmp"/chartjs/package/LICENSE.md $V/chartjs/
strip_maps $V/chartjs/chart.umd.min.js
fetch tom-select@2.6.2 tomselect
mkdir -p $V/tom-select
cp "$tmp"/tomselect/package/dist/js/tom-select.complete.min.js "$tmp"/tomselect/package/dist/css/tom-select.bootstrap5.min.css \
  "$tmp"/tomselect/package/LICENSE $V/tom-select/
strip_maps $V/tom-select/*.js $V/tom-select/*.css

# For the browser tests only (tests/test_browser_ux.py), never served.
fetch axe-core@4.14.1 axe
mkdir -p tests/vendor/axe-core
cp "$tmp"/axe/package/axe.min.js "$tmp"/axe/package/LICENSE tests/vendor/axe-core/
strip_maps tests/vendor/axe-core/axe.min.js
echo "vendored assets refreshed under $V"
