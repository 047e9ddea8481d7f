#!/usr/bin/env bash
# `npm test`: installs what the tests need when it is missing (Debian chromium, redis-server,
# mmdb-bin; npm packages), builds the page and the server, type-checks, runs every test, and
# ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v mmdblookup >/dev/null 2>&1 || need+=(mmdb-bin)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "test: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null \
    || { echo "test: could not install ${need[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "test: installing npm packages"
  npm ci --no-audit --no-fund || { echo "0 passed, 1 failed"; exit 1; }
fi

failed_steps=0
echo "test: building"
node scripts/build.mjs || failed_steps=$((failed_steps + 1))
echo "test: type-checking"
npx tsc -p . --noEmit || failed_steps=$((failed_steps + 1))

mkdir -p test-results
rm -f test-results/vitest.json
echo "test: running the suite"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
vitest_rc=$?

reports=(test-results/vitest.json)
if [ "${ATTACKMAP_SKIP_LTS:-}" != "1" ]; then
  echo "test: the server's integration tests on the current Node LTS"
  rm -f test-results/vitest-lts.json
  bash scripts/test-lts.sh "$PWD/test-results/vitest-lts.json"
  lts_rc=$?
  if [ $lts_rc -eq 3 ]; then :; else reports+=(test-results/vitest-lts.json); fi
fi

node scripts/test-summary.mjs "$failed_steps" "${reports[@]}"
summary_rc=$?
if [ $vitest_rc -ne 0 ] || [ $summary_rc -ne 0 ] || [ $failed_steps -ne 0 ]; then exit 1; fi
