#!/usr/bin/env bash
# scripts/install-deps and scripts/lib.sh in a sandbox checkout whose path has a space, started
# from another directory with an exported CDPATH (both common on developers' machines): the npm
# step installs from the committed lockfiles without rewriting them (git status stays clean), a
# second run does nothing, and an unknown option or a Node.js older than 20 is refused before
# anything is installed.
# Offline: the sandbox's npm projects depend on a local package only (the real npm, no registry),
# and a stand-in dpkg-query reports every Debian package installed, so apt is never called.
set -euo pipefail
root=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

repo="$work/check out/repo"
mkdir -p "$repo/scripts" "$work/bin"
cp "$root/scripts/install-deps" "$root/scripts/lib.sh" "$repo/scripts/"
printf '#!/bin/sh\nprintf "install ok installed"\n' > "$work/bin/dpkg-query"
chmod +x "$work/bin/dpkg-query"
export PATH="$work/bin:$PATH" CDPATH=.:/tmp npm_config_update_notifier=false

# An npm project depending on a local package, with a committed lockfile that npm would write
# differently (compact JSON), as the DuckDB lockfile whose other platforms' bindings are pruned.
npm_project() { # dir
  mkdir -p "$1/dep"
  printf '{"name":"dep","version":"1.0.0"}\n' > "$1/dep/package.json"
  printf '{"name":"p","private":true,"dependencies":{"dep":"file:./dep"}}\n' > "$1/package.json"
  printf '%s' '{"name":"p","lockfileVersion":3,"requires":true,"packages":{"":{"name":"p","dependencies":{"dep":"file:./dep"}},"dep":{"version":"1.0.0"},"node_modules/dep":{"resolved":"dep","link":true}}}' \
    > "$1/package-lock.json"
  cp "$1/package-lock.json" "$work/$(basename "$1").lock"
}
npm_project "$repo/tests/js"
npm_project "$repo/infra"

# An unknown option is refused with a usage line, and installs nothing.
if out=$(cd "$repo" && scripts/install-deps --bogus 2>&1); then fail "install-deps accepted --bogus"; fi
[[ $out == *"unknown option '--bogus'"* ]] || fail "install-deps --bogus said: $out"
[[ ! -e $repo/tests/js/node_modules ]] || fail "install-deps --bogus installed npm packages"

# From the checkout (relative script path: CDPATH applies) and from elsewhere (path with a space).
(cd "$repo" && scripts/install-deps 2>"$work/err1") || fail "install-deps: $(cat "$work/err1")"
for p in tests/js infra; do
  [[ -L $repo/$p/node_modules/dep ]] || fail "$p: the local package was not installed"
  cmp -s "$repo/$p/package-lock.json" "$work/$(basename "$p").lock" \
    || fail "$p/package-lock.json was rewritten by install-deps"
done
(cd "$work" && "check out/repo/scripts/install-deps" 2>"$work/err2") \
  || fail "second install-deps: $(cat "$work/err2")"
[[ ! -s $work/err2 ]] || fail "a second install-deps was not quiet: $(cat "$work/err2")"

# A Node.js older than the locked tools need (Debian 12's own 18) is refused with the reason.
mkdir -p "$work/old-node"
cat > "$work/old-node/node" <<'SH'
#!/bin/sh
if [ "$1" = --version ]; then echo v18.19.0; else echo 18; fi
SH
chmod +x "$work/old-node/node"
if out=$(cd "$repo" && PATH="$work/old-node:$PATH" scripts/install-deps 2>&1); then
  fail "install-deps accepted Node.js 18"
fi
[[ $out == *"Node.js v18.19.0 is too old"* ]] || fail "install-deps with Node.js 18 said: $out"
echo "scripts: install-deps idempotent, lockfiles untouched, unknown options and old Node.js refused"
