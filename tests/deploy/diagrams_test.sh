#!/usr/bin/env bash
# Every Mermaid block of docs/*.md has its rendered SVG in docs/img/, rendered from the block as it
# is now (hash in docs/img/diagrams.sha256), and a link to it under the block. Fails when a diagram
# was edited without running scripts/render-diagrams.
set -euo pipefail
root=$1
cd "$root"
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
manifest=docs/img/diagrams.sha256
[[ -f $manifest ]] || fail "no $manifest: run scripts/render-diagrams"

: > "$work/expected"
for md in docs/*.md; do
  doc=$(basename "$md" .md)
  awk -v out="$work/$doc" '
    /^```mermaid[[:space:]]*$/ { n++; inside = 1; next }
    inside && /^```[[:space:]]*$/ { inside = 0; close(out "-" n ".mmd"); next }
    inside { print > (out "-" n ".mmd") }
  ' "$md"
  n=0
  for mmd in "$work/$doc"-*.mmd; do
    [[ -f $mmd ]] || continue
    n=$((n + 1))
    name=$(basename "$mmd" .mmd)
    printf '%s  %s.svg\n' "$(sha256sum < "$mmd" | cut -d' ' -f1)" "$name" >> "$work/expected"
    grep -qF "[Diagram as SVG](img/$name.svg)" "$md" || fail "$md: no link to img/$name.svg"
    svg=docs/img/$name.svg
    [[ -s $svg ]] || fail "missing $svg: run scripts/render-diagrams"
    head -c 200 "$svg" | grep -q '<svg' || fail "$svg is not an SVG"
    ! grep -q 'Syntax error' "$svg" || fail "$svg shows a Mermaid syntax error"
  done
done
sort -k2 "$work/expected" -o "$work/expected"
if ! diff -u "$manifest" "$work/expected" >&2; then
  fail "diagrams changed since they were rendered: run scripts/render-diagrams and commit docs/img"
fi
count=$(wc -l < "$work/expected")
((count >= 4)) || fail "expected at least 4 diagrams, found $count"
echo "diagrams: $count up to date"
