#!/usr/bin/env bash
# `npm test`: prepares the machine, then typecheck, lint, OpenAPI freshness and every test.
# Ends with one plain "N passed, N failed" line (checks count as one test each).
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-machine.sh || { echo "0 passed, 1 failed"; exit 1; }

checks_passed=0
checks_failed=0
check() {
  local name=$1; shift
  echo "== $name"
  if "$@"; then checks_passed=$((checks_passed + 1)); else echo "!! $name failed"; checks_failed=$((checks_failed + 1)); fi
}

check "typecheck" npx --no-install tsc -p tsconfig.json --noEmit
check "lint" npx --no-install biome check .
check "openapi document is current" node bin/samokoder.js openapi --check docs/openapi.json

results=.vitest-results.json
rm -f "$results"
npx --no-install vitest run --reporter=default --reporter=json --outputFile="$results" "$@"
vitest_status=$?

node scripts/summarise-tests.mjs "$results" "$checks_passed" "$checks_failed" "$vitest_status"
