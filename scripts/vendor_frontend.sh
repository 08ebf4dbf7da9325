#!/usr/bin/env bash
# Vendor the built front-end files plancascade serves (no CDN: the app must run
# fully offline on an intranet) into web/static/vendor/.
#
#   scripts/vendor_frontend.sh            # re-vendor the pinned versions below
#   BPMN_JS_VERSION=18.32.0 scripts/vendor_frontend.sh   # bump one library
#
# How it works: `npm pack` downloads each package tarball from the npm registry
# into a temporary directory (no `npm install`, so no install scripts run and no
# node_modules appears in the project); the script unpacks them and copies only
# the files the browser needs. Source-map comments are removed from the copied
# files because the .map files are not shipped (otherwise browsers with devtools
# open would request them and get 404s). Each library folder is replaced whole;
# web/static/vendor/README.md is regenerated. Nothing else in the repo is touched.
#
# Needs: npm (any recent version), tar, python3, sha256sum.
set -euo pipefail

BPMN_JS_VERSION="${BPMN_JS_VERSION:-18.31.1}"
BOOTSTRAP_VERSION="${BOOTSTRAP_VERSION:-5.3.9}"
CHARTJS_VERSION="${CHARTJS_VERSION:-4.6.1}"
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="$REPO_ROOT/web/static/vendor"

if [[ -n "${VENDOR_BUILD_DIR:-}" ]]; then
  BUILD_DIR="$VENDOR_BUILD_DIR"
  rm -rf "$BUILD_DIR"
  mkdir -p "$BUILD_DIR"
else
  BUILD_DIR="$(mktemp -d /tmp/vendor-build.XXXXXX)"
  trap 'rm -rf "$BUILD_DIR"' EXIT
fi

log() { printf '==> %s\n' "$*" >&2; }

# --- fetch ---------------------------------------------------------------
SPECS=(
  "bpmn-js@$BPMN_JS_VERSION"
  "bootstrap@$BOOTSTRAP_VERSION"
  "chart.js@$CHARTJS_VERSION"
  "htmx.org@$HTMX_VERSION"
)
log "npm pack ${SPECS[*]} (in $BUILD_DIR)"
( cd "$BUILD_DIR" && npm pack --ignore-scripts --json "${SPECS[@]}" > pack.json )

# name<TAB>version<TAB>tarball<TAB>integrity, one line per package
python3 - "$BUILD_DIR/pack.json" > "$BUILD_DIR/pack.tsv" <<'PY'
import json, sys
for p in json.load(open(sys.argv[1])):
    print("\t".join([p["name"], p["version"], p["filename"], p["integrity"]]))
PY

declare -A VER TGZ INTEGRITY SRC
while IFS=$'\t' read -r name version filename integrity; do
  VER[$name]="$version"
  TGZ[$name]="$filename"
  INTEGRITY[$name]="$integrity"
  SRC[$name]="$BUILD_DIR/src/$name/package"
  mkdir -p "$BUILD_DIR/src/$name"
  tar -xzf "$BUILD_DIR/$filename" -C "$BUILD_DIR/src/$name"
done < "$BUILD_DIR/pack.tsv"

for name in bpmn-js bootstrap chart.js htmx.org; do
  [[ -n "${VER[$name]:-}" ]] || { echo "npm pack did not return $name" >&2; exit 1; }
done

# --- copy ----------------------------------------------------------------
# copy_file PKG SRC_REL DEST_REL   (DEST_REL relative to the library folder)
copy_file() {
  local pkg="$1" src_rel="$2" dest="$3"
  local src="${SRC[$pkg]}/$src_rel"
  [[ -f "$src" ]] || { echo "missing in $pkg@${VER[$pkg]}: $src_rel" >&2; exit 1; }
  mkdir -p "$(dirname "$dest")"
  cp "$src" "$dest"
}

# Drop trailing "//# sourceMappingURL=..." / "/*# sourceMappingURL=... */" lines
# from the .js/.css files under DIR; print the (DIR-relative) files changed.
strip_sourcemaps() {
  local dir="$1" f
  while IFS= read -r -d '' f; do
    if grep -qE '^(//|/\*)# sourceMappingURL=' "$f"; then
      sed -i -E '/^(\/\/# sourceMappingURL=[^ ]*|\/\*# sourceMappingURL=[^ ]* \*\/)[[:space:]]*$/d' "$f"
      echo "${f#"$dir"/}"
    fi
  done < <(find "$dir" -type f \( -name '*.js' -o -name '*.css' \) -print0 | LC_ALL=C sort -z)
}

# write_version DIR PKG LICENCE_NAME SOURCE_PATHS... -> DIR/VERSION
# (also strips source-map comments in DIR and records which files changed)
write_version() {
  local dir="$1" pkg="$2" licence="$3"; shift 3
  local stripped; stripped="$(strip_sourcemaps "$dir")"
  {
    echo "package:   $pkg"
    echo "version:   ${VER[$pkg]}"
    echo "licence:   $licence (see LICENSE in this folder)"
    echo "source:    npm registry tarball ${TGZ[$pkg]}"
    echo "integrity: ${INTEGRITY[$pkg]}"
    echo "vendored:  by scripts/vendor_frontend.sh"
    echo "copied from the package (paths inside the tarball's package/):"
    local p; for p in "$@"; do echo "  $p"; done
    if [[ -n "$stripped" ]]; then
      echo "changed:   trailing sourceMappingURL comment removed (.map not shipped) in:"
      echo "$stripped" | sed 's/^/  /'
    else
      echo "changed:   nothing (files are byte-identical to the package)"
    fi
  } > "$dir/VERSION"
}

mkdir -p "$VENDOR_DIR"

# bpmn-js: the three production bundles + dist/assets/ kept with its layout
# (bpmn-font/css/*.css refers to ../font/*, so css/ and font/ stay siblings).
pkg=bpmn-js; out="$VENDOR_DIR/bpmn-js"
log "$pkg ${VER[$pkg]} -> ${out#"$REPO_ROOT"/}"
rm -rf "$out"; mkdir -p "$out"
for f in bpmn-viewer.production.min.js bpmn-navigated-viewer.production.min.js \
         bpmn-modeler.production.min.js; do
  copy_file "$pkg" "dist/$f" "$out/$f"
done
cp -R "${SRC[$pkg]}/dist/assets" "$out/assets"
copy_file "$pkg" LICENSE "$out/LICENSE"
write_version "$out" "$pkg" "bpmn.io License (MIT terms + the bpmn.io watermark must stay visible)" \
  dist/bpmn-viewer.production.min.js dist/bpmn-navigated-viewer.production.min.js \
  dist/bpmn-modeler.production.min.js "dist/assets/ (whole folder)" LICENSE

# bootstrap
pkg=bootstrap; out="$VENDOR_DIR/bootstrap"
log "$pkg ${VER[$pkg]} -> ${out#"$REPO_ROOT"/}"
rm -rf "$out"; mkdir -p "$out"
copy_file "$pkg" dist/css/bootstrap.min.css "$out/css/bootstrap.min.css"
copy_file "$pkg" dist/js/bootstrap.bundle.min.js "$out/js/bootstrap.bundle.min.js"
copy_file "$pkg" LICENSE "$out/LICENSE"
write_version "$out" "$pkg" "MIT" dist/css/bootstrap.min.css dist/js/bootstrap.bundle.min.js LICENSE

# chart.js: the UMD build the package points unpkg/jsdelivr at
pkg=chart.js; out="$VENDOR_DIR/chartjs"
log "$pkg ${VER[$pkg]} -> ${out#"$REPO_ROOT"/}"
rm -rf "$out"; mkdir -p "$out"
copy_file "$pkg" dist/chart.umd.min.js "$out/chart.umd.min.js"
copy_file "$pkg" LICENSE.md "$out/LICENSE"
write_version "$out" "$pkg" "MIT" dist/chart.umd.min.js "LICENSE.md (as LICENSE)"

# htmx
pkg=htmx.org; out="$VENDOR_DIR/htmx"
log "$pkg ${VER[$pkg]} -> ${out#"$REPO_ROOT"/}"
rm -rf "$out"; mkdir -p "$out"
copy_file "$pkg" dist/htmx.min.js "$out/htmx.min.js"
copy_file "$pkg" LICENSE "$out/LICENSE"
write_version "$out" "$pkg" "0BSD (Zero-Clause BSD)" dist/htmx.min.js LICENSE

# --- check ---------------------------------------------------------------
if grep -rl 'sourceMappingURL' "$VENDOR_DIR"/{bpmn-js,bootstrap,chartjs,htmx} --include='*.js' --include='*.css'; then
  echo "a sourceMappingURL reference is left in the files above" >&2; exit 1
fi

# --- README --------------------------------------------------------------
file_list() {
  ( cd "$VENDOR_DIR" && find "$1" -type f | LC_ALL=C sort )
}
{
  cat <<EOF
# Vendored front-end libraries

plancascade must run fully offline (government intranet, no CDN), so the built
browser files of its front-end libraries are kept here and served by Flask from
\`/static/vendor/...\`. Do not edit these files by hand: regenerate them with
\`scripts/vendor_frontend.sh\` (this README is written by that script too).

| library | npm package | version | licence | folder |
| --- | --- | --- | --- | --- |
| bpmn-js (viewer, navigated viewer, modeler) | \`bpmn-js\` | ${VER[bpmn-js]} | bpmn.io License (MIT terms + watermark clause) | \`bpmn-js/\` |
| Bootstrap | \`bootstrap\` | ${VER[bootstrap]} | MIT | \`bootstrap/\` |
| Chart.js | \`chart.js\` | ${VER[chart.js]} | MIT | \`chartjs/\` |
| htmx | \`htmx.org\` | ${VER[htmx.org]} | 0BSD | \`htmx/\` |

Each folder holds the library's \`LICENSE\` (copied from the package) and a
\`VERSION\` note (package, version, tarball integrity, which package paths were
copied). The only change made to upstream files: trailing
\`sourceMappingURL\` comments are removed, because the \`.map\` files are not
shipped and browsers would otherwise request them and get 404s.

**bpmn-js licence:** the bpmn.io watermark (the small logo linking to
bpmn.io in the bottom-right corner of a rendered diagram) must not be removed,
changed, hidden or overlapped by other elements. Keep it visible in our layouts.

## Files

EOF
  for d in bpmn-js bootstrap chartjs htmx; do
    echo "- \`$d/\`"
    echo
    echo '```'
    file_list "$d"
    echo '```'
    echo
  done
  cat <<EOF
Notes:
- \`bpmn-js/assets/\` keeps the package's \`dist/assets/\` layout: \`bpmn-font/css/bpmn.css\`
  loads \`../font/bpmn.*\`, so the \`css/\` and \`font/\` folders must stay siblings.
  Pages need \`assets/diagram-js.css\`, \`assets/bpmn-js.css\` and
  \`assets/bpmn-font/css/bpmn.css\` (the modeler's palette/context pad icons).
- \`bpmn-*.production.min.js\` are UMD bundles exposing the global \`BpmnJS\`.
- \`chartjs/chart.umd.min.js\` exposes the global \`Chart\`; \`htmx/htmx.min.js\` the global \`htmx\`.

## Refreshing

Pinned versions live at the top of \`scripts/vendor_frontend.sh\`
(override with \`BPMN_JS_VERSION\`, \`BOOTSTRAP_VERSION\`, \`CHARTJS_VERSION\`,
\`HTMX_VERSION\`). From the repository root:

    scripts/vendor_frontend.sh

which downloads the tarballs with exactly this npm command, run in a temporary
directory (no \`npm install\`, no \`node_modules\` in the project):

    npm pack --ignore-scripts --json bpmn-js@${VER[bpmn-js]} bootstrap@${VER[bootstrap]} chart.js@${VER[chart.js]} htmx.org@${VER[htmx.org]}

then unpacks them and copies the files listed above. To look for newer
releases within the same major versions first:

    npm view bpmn-js@18 version; npm view bootstrap@5.3 version; npm view chart.js@4 version; npm view htmx.org@2 version

After a refresh, check a page with the BPMN viewer and modeler in a browser and
review \`git diff --stat web/static/vendor\` before committing.
EOF
} > "$VENDOR_DIR/README.md"

total=$(du -sb "$VENDOR_DIR" | cut -f1)
log "done: $(find "$VENDOR_DIR" -type f | wc -l) files, $total bytes in ${VENDOR_DIR#"$REPO_ROOT"/}"
