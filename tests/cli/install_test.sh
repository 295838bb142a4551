#!/usr/bin/env bash
# `cmake --install BUILD_DIR --prefix P` installs the binary as P/bin/tributary and nothing else,
# and the installed binary runs from PATH.
#   install_test.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >"$work/log" || fail "cmake --install: $(cat "$work/log")"
[[ $(cd "$work/prefix" && find . -type f) == ./bin/tributary ]] \
  || fail "installed: $(cd "$work/prefix" && find . -type f)"
PATH="$work/prefix/bin:$PATH" tributary --help | grep -q "demo" || fail "installed tributary --help"
echo "install: ok"
