#!/usr/bin/env bash
# Runs `shellcheck -x` on every shell script under deploy/, tests/deploy/ and scripts/render-diagrams,
# found by shebang so a new script is never skipped.
set -euo pipefail
root=$1
cd "$root"
mapfile -t scripts < <(
  { find deploy tests/deploy -type f ! -path '*/node_modules/*'; echo scripts/render-diagrams; } |
    while read -r f; do
      [[ -f $f ]] && head -n1 "$f" | grep -Eq '^#!.*(/|env )(ba)?sh' && echo "$f"
    done | sort)
((${#scripts[@]} >= 6)) || { echo "FAIL: only ${#scripts[@]} scripts found: ${scripts[*]}" >&2; exit 1; }
shellcheck -x "${scripts[@]}"
echo "shellcheck: ${#scripts[@]} scripts clean: ${scripts[*]}"
