#!/usr/bin/env bash
# The Dockerfiles under deploy/: every file they COPY exists in their build context and is not
# excluded by .dockerignore; the image runs as a non-root user with a /healthz health check; and
# deploy/runtime-packages resolves the real binary's shared libraries to Debian packages.
#   dockerfile_test.sh REPO_ROOT TRIBUTARY_BINARY
set -euo pipefail
root=$1
bin=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

# COPY/ADD sources of a Dockerfile (not --from= stage copies, not URLs), one per line.
copy_sources() {
  python3 - "$1" <<'PY'
import shlex, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
for line in text.splitlines():
    words = shlex.split(line, comments=True) if line.strip() else []
    if not words or words[0].upper() not in ("COPY", "ADD"):
        continue
    args = [w for w in words[1:] if not w.startswith("--")]
    if any(w.startswith("--from=") for w in words[1:]):
        continue
    for src in args[:-1]:
        if "://" not in src and not src.startswith("$"):
            print(src)
PY
}

# Is PATH (relative to the context) let through by a .dockerignore of the form
# "*" then "!path" lines? (The only form deploy/ uses; a different form fails here loudly.)
allowed() {
  local path=$1 ignore=$2 line
  [[ -f $ignore ]] || return 0
  [[ $(grep -v '^#' "$ignore" | grep -m1 .) == '*' ]] || fail "$ignore: expected to start with '*'"
  while read -r line; do
    line=${line#!}
    line=${line%/}
    [[ $path == "$line" || $path == "$line"/* ]] && return 0
  done < <(grep '^!' "$ignore")
  return 1
}

check_dockerfile() { # dockerfile context
  local df=$1 ctx=$2 n=0 src
  while read -r src; do
    n=$((n + 1))
    [[ -e $ctx/$src ]] || fail "$df copies $src, missing from $ctx"
    allowed "$src" "$ctx/.dockerignore" || fail "$df copies $src, excluded by $ctx/.dockerignore"
  done < <(copy_sources "$df")
  ((n > 0)) || fail "$df: no COPY found (parser broken?)"
  echo "$df: $n COPY sources present"
}
check_dockerfile "$root/deploy/Dockerfile" "$root"
check_dockerfile "$root/deploy/eventsim/Dockerfile" "$root/deploy/eventsim"
check_dockerfile "$root/deploy/fluentd/Dockerfile" "$root/deploy/fluentd"

df=$root/deploy/Dockerfile
grep -Eq '^FROM debian:\$\{DEBIAN_RELEASE\} AS build' "$df" || fail "build stage is not Debian"
grep -q '^ARG DEBIAN_RELEASE=bookworm' "$df" || fail "not bookworm"
grep -Eq '^FROM debian:\$\{DEBIAN_RELEASE\}-slim AS runtime' "$df" || fail "runtime stage is not slim"
grep -q 'scripts/install-deps --build' "$df" || fail "build stage does not reuse scripts/install-deps --build"
grep -q 'cmake --preset release' "$df" || fail "not the release preset"
user=$(awk '$1 == "USER" {u = $2} END {print u}' "$df")
[[ -n $user && ${user%%:*} != root && ${user%%:*} != 0 ]] || fail "final USER is root: '$user'"
grep -A1 '^HEALTHCHECK' "$df" | grep -q '/healthz' || fail "no HEALTHCHECK on /healthz"
for f in eventsim/Dockerfile fluentd/Dockerfile; do
  user=$(awk '$1 == "USER" {u = $2} END {print u}' "$root/deploy/$f")
  [[ -n $user && $user != root ]] || fail "deploy/$f runs as root"
done
grep -q 'github.com/ZipCodeCore/eventsim.git' "$root/deploy/eventsim/Dockerfile" \
  || fail "eventsim is not built from the fork's git URL"

# The runtime stage's package list, from the binary built by this tree.
pkgs=$("$root/deploy/runtime-packages" "$bin")
grep -qx libc6 <<<"$pkgs" || fail "runtime-packages misses libc6: $pkgs"
grep -qx 'libstdc++6' <<<"$pkgs" || fail "runtime-packages misses libstdc++6: $pkgs"
while read -r p; do
  [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] \
    || fail "runtime-packages printed $p, not an installed package"
  [[ $p != *-dev ]] || fail "runtime-packages printed a -dev package: $p"
done <<<"$pkgs"
if "$root/deploy/runtime-packages" "$root/deploy/Dockerfile" 2>/dev/null; then
  fail "runtime-packages accepted a non-executable"
fi
echo "runtime packages: $(tr '\n' ' ' <<<"$pkgs")"

# The build stage's context is complete: a tree holding only what deploy/Dockerfile copies
# configures with the same options (catches a new top-level folder the image build would miss).
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
while read -r src; do
  mkdir -p "$ctx/$(dirname "$src")"
  cp -r "$root/$src" "$ctx/$src"
done < <(copy_sources "$root/deploy/Dockerfile")
if ! out=$(cd "$ctx" && cmake --preset release -DTRIBUTARY_BUILD_TESTS=OFF -DTRIBUTARY_BUILD_BENCH=OFF 2>&1); then
  printf '%s\n' "$out" | tail -20 >&2
  fail "the image's build context (COPY sources of deploy/Dockerfile) does not configure"
fi
grep -q 'add_executable(tributary' -r "$ctx/src" || fail "no tributary target in the copied sources"
echo "build context: configures with only the copied files"
