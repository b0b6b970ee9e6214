#!/bin/sh
# Copies the pinned ESM builds from node_modules into vendor/ (committed; node_modules is not needed at run time).
# Bare "preact" imports are rewritten to relative paths because the CSP forbids an inline import map.
set -eu
cd "$(dirname "$0")"
[ -d node_modules/preact ] || npm ci --no-audit --no-fund
mkdir -p vendor
cp node_modules/preact/dist/preact.mjs vendor/preact.module.js
sed 's#from"preact"#from"./preact.module.js"#g; s#from "preact"#from "./preact.module.js"#g' node_modules/preact/hooks/dist/hooks.mjs > vendor/hooks.module.js
cp node_modules/htm/dist/htm.module.js vendor/htm.module.js
cp node_modules/preact/LICENSE vendor/LICENSE-preact
cp node_modules/htm/LICENSE vendor/LICENSE-htm
# strip sourcemap references (maps are not vendored)
for f in vendor/*.js; do sed -i '/^\/\/# sourceMappingURL=/d; s#//\# sourceMappingURL=[^ ]*##' "$f"; done
grep -q 'from"preact"' vendor/hooks.module.js && { echo "bare import left in hooks" >&2; exit 1; } || true
echo "vendored: $(ls vendor | tr '\n' ' ')"
