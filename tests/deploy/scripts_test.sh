#!/usr/bin/env bash
# The scripts in scripts/, in sandbox checkouts:
#  - every script answers --help and -h with its usage and does nothing else (no command that
#    installs, builds or tests is started, no file is written), and refuses an unknown argument;
#  - scripts/demo builds its own preset (build/demo) even where an interrupted test build left
#    build/release, shows the build's progress in a few lines, and shows the compiler's output
#    when the build fails;
#  - scripts/install-deps and scripts/lib.sh in a checkout whose path has a space, started from
#    another directory with an exported CDPATH (both common on developers' machines): the npm
#    step installs from the committed lockfiles without rewriting them (git status stays clean),
#    a second run does nothing, and an unknown option or a Node.js older than 20 is refused
#    before anything is installed.
# Offline: cmake, ctest, npm, apt-get and the other tools the scripts start are stand-ins that
# record their calls (no build, no registry); the install-deps part uses the real npm on projects
# that depend on a local package only, and a stand-in dpkg-query reports every Debian package
# installed, so apt is never called.
set -euo pipefail
root=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --help and -h: the usage, exit 0, nothing started or written. Every file in scripts/ that is
# not sourced (lib.sh) is a script a user may ask for help.
help_repo="$work/help"
mkdir -p "$help_repo" "$work/recording"
cp -r "$root/scripts" "$help_repo/"
for tool in cmake ctest npm node apt-get sudo dpkg-query clang-format shellcheck git ninja mmdc; do
  printf '#!/bin/sh\necho "%s $*" >> "%s"\nexit 1\n' "$tool" "$work/calls" > "$work/recording/$tool"
  chmod +x "$work/recording/$tool"
done
scripts=()
for f in "$help_repo"/scripts/*; do [[ $(basename "$f") != lib.sh ]] && scripts+=("$(basename "$f")"); done
((${#scripts[@]} >= 6)) || fail "only ${#scripts[@]} scripts: ${scripts[*]}"
before=$(cd "$help_repo" && find . | sort)
for name in "${scripts[@]}"; do
  for flag in --help -h; do
    out=$(cd "$work" && PATH="$work/recording:$PATH" "$help_repo/scripts/$name" "$flag" 2>&1) \
      || fail "scripts/$name $flag failed: $out"
    [[ $out == *"Usage: scripts/$name"* ]] || fail "scripts/$name $flag printed no usage: $out"
    [[ ! -e $work/calls ]] || fail "scripts/$name $flag started: $(cat "$work/calls")"
  done
done
# Help anywhere among the arguments wins (scripts/demo DIR --help).
out=$(PATH="$work/recording:$PATH" "$help_repo/scripts/demo" somewhere --help) || fail "demo DIR --help"
[[ $out == *"Usage: scripts/demo"* && ! -e $work/calls ]] || fail "demo DIR --help: $out"
[[ $(cd "$help_repo" && find . | sort) == "$before" ]] || fail "--help wrote files"
# An argument a script does not take: refused with its usage, nothing started.
for args in "test --all" "build --release" "check-format --fixx" "render-diagrams all" \
  "install-deps --bild"; do
  read -r name arg <<<"$args"
  if out=$(PATH="$work/recording:$PATH" "$help_repo/scripts/$name" "$arg" 2>&1); then
    fail "scripts/$name accepted $arg"
  fi
  [[ $out == *"$arg"* && $out == *"usage: scripts/$name"* ]] || fail "scripts/$name $arg said: $out"
  [[ ! -e $work/calls ]] || fail "scripts/$name $arg started: $(cat "$work/calls")"
done

# scripts/demo next to an interrupted test build (build/release/build.ninja without a binary):
# it configures and builds build/demo, not build/release, with a few progress lines, then runs
# the binary it built. A stand-in cmake writes ninja's status lines for 200 targets, after the
# line of its glob check ([0/2]), which is not progress.
demo_repo="$work/demo"
mkdir -p "$demo_repo/build/release" "$work/fake"
cp -r "$root/scripts" "$demo_repo/"
touch "$demo_repo/build/release/build.ninja"
cat > "$work/fake/cmake" <<SH
#!/usr/bin/env bash
echo "cmake \$*" >> "$work/cmake.calls"
if [[ \$1 == --preset ]]; then mkdir -p "build/\$2" && touch "build/\$2/build.ninja"; exit 0; fi
dir=\$2
echo "[0/2] Re-checking globbed directories..."
for i in \$(seq 1 200); do echo "\${NINJA_STATUS/\%f\/\%t/\$i/200}Building CXX object \$i.o"; done
[[ -n \${FAIL_BUILD:-} ]] && { echo "error: stand-in compiler failure"; exit 1; }
mkdir -p "\$dir/src/cli"
printf '#!/bin/sh\necho "tributary \$*"\n' > "\$dir/src/cli/tributary"
chmod +x "\$dir/src/cli/tributary"
SH
printf '#!/bin/sh\nprintf "install ok installed"\n' > "$work/fake/dpkg-query"
chmod +x "$work/fake/cmake" "$work/fake/dpkg-query"
out=$(cd "$work" && PATH="$work/fake:$PATH" "$demo_repo/scripts/demo" mydemo --pace 0 2>"$work/demo.err") \
  || fail "scripts/demo: $(cat "$work/demo.err")"
[[ $out == "tributary demo --dir $work/mydemo --pace 0" ]] || fail "scripts/demo ran: $out"
[[ $(cat "$work/cmake.calls") == "cmake --preset demo"$'\n'"cmake --build build/demo -j $(nproc) --target tributary" ]] \
  || fail "scripts/demo's cmake calls: $(cat "$work/cmake.calls")"
[[ ! -e $demo_repo/build/release/src ]] || fail "scripts/demo built in build/release"
progress=$(grep -c '^building: ' "$work/demo.err") || fail "no build progress: $(cat "$work/demo.err")"
((progress >= 2 && progress <= 11)) || fail "$progress progress lines: $(cat "$work/demo.err")"
grep -q '^building: 200/200 targets (100%)' "$work/demo.err" || fail "no final progress: $(cat "$work/demo.err")"
grep -q 'Building CXX' "$work/demo.err" && fail "a successful build printed ninja's lines"
grep -q '^building: 0/' "$work/demo.err" && fail "ninja's glob check shown as progress: $(cat "$work/demo.err")"
grep -qF "$demo_repo/build/demo/src/cli/tributary" "$work/demo.err" || fail "binary path not said"
# A failing build: non-zero, with the compiler's output.
rm -rf "$demo_repo/build/demo"
if (cd "$work" && FAIL_BUILD=1 PATH="$work/fake:$PATH" "$demo_repo/scripts/demo" x >/dev/null 2>"$work/demo.err"); then
  fail "scripts/demo went on after a failed build"
fi
grep -q "error: stand-in compiler failure" "$work/demo.err" || fail "failure not shown: $(cat "$work/demo.err")"

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
echo "scripts: --help everywhere, demo's own build with progress; install-deps idempotent, lockfiles untouched, unknown options and old Node.js refused"
