#!/usr/bin/env bash
# Browser smoke test against the real binary: starts `korobka serve` on a free port over a
# temp data folder, creates the admin through the setup API, then drives Debian's Chromium
# with tests/browser/smoke.mjs, board.mjs, tasks.mjs and feed.mjs (their shared set-up: tests/browser/harness.mjs).
# Set KOROBKA_REQUIRE_BROWSER=1 to make a missing browser fail.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${KOROBKA_BIN:-target/debug/korobka}
[ -x "$BIN" ] || cargo build --bin korobka
DATA=$(mktemp -d)
LOG="$DATA/server.log"
TOKEN=ci-setup-token
PASSWORD=ci-admin-password
KOROBKA_SETUP_TOKEN=$TOKEN KOROBKA_LOG=warn "$BIN" serve --data "$DATA/data" --listen 127.0.0.1:0 >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
PORT=""
for _ in $(seq 1 300); do
  PORT=$(sed -n 's#^Open http://localhost:\([0-9]*\)/.*#\1#p' "$LOG" | head -n1)
  [ -n "$PORT" ] && break
  kill -0 $PID 2>/dev/null || { cat "$LOG"; echo "server exited"; exit 1; }
  sleep 0.1
done
[ -n "$PORT" ] || { cat "$LOG"; echo "server did not start"; exit 1; }
URL="http://127.0.0.1:$PORT"
curl -fsS -X POST "$URL/api/v1/setup" -H 'content-type: application/json' \
  -d "{\"token\":\"$TOKEN\",\"login\":\"admin\",\"name\":\"Ada Admin\",\"password\":\"$PASSWORD\",\"language\":\"en\"}" >/dev/null
cd tests/browser
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
export KOROBKA_URL=$URL KOROBKA_LOGIN=admin KOROBKA_PASSWORD=$PASSWORD
passed=0
failed=0
# smoke: sign in, company, contact, search. board: a card dragged in one page moves in another.
# tasks: a task with a checklist from a deal page, in My activities with the counter, ticked,
# completed, the counter drops. feed: a post with a mention reaches a second browser live; an
# event from the week view is accepted by its attendee; the iCal URL.
# tasks: a task from a deal's timeline, overdue in My activities and the counters, checklist, complete.
for t in smoke.mjs board.mjs tasks.mjs feed.mjs; do
  if node "$t"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "browser: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
