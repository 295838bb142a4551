#!/usr/bin/env bash
# The whole `tributary run`, as a user runs it, against DuckDB on the same input in the same run.
#
#   bench/ingest/whole_run.sh [--tributary BIN] [--work DIR] [--users N] [--days D]
#                             [--chunk-bytes B] [--rounds R]
#
# Input, made here: `tributary generate --loop 2` ships N users over D days to a file:// bucket as
# fluentd does (<stream>/<hour>_<i>.json, objects of at most B bytes), every event twice as the
# reference setup's `while true` loop sends it; then every fourth object is gzip-compressed in
# place (<hour>_<i>.gz), fluentd's store_as gzip. Defaults: 30,000 users over 10 days in 200 KB
# objects.
#
# tributary: `run --until-idle` with a fresh lake and a fresh SQLite state file (no warehouse):
#   byte-exact bronze with SHA-256, decoding and validation, quarantine, deduplication against
#   the state, silver Parquet (zstd) partitioned by event date, the exactly-once commit.
# DuckDB (1.5, @duckdb/node-api from tests/js): per stream, COPY (SELECT *, event_date FROM
#   read_json(...)) TO ... (FORMAT parquet, PARTITION_BY (event_date), COMPRESSION zstd): parse
#   and write, nothing else.
#
# Each round runs both, one after the other, and prints wall time, CPU time (user + system) and
# peak RSS of each, and the ratio DuckDB wall / tributary wall (above 1: tributary is faster).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$root/build/release/src/cli/tributary
work=${TMPDIR:-/tmp}/tributary-whole-run
users=30000
days=10
chunk=200000
rounds=3
usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --tributary) bin=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --chunk-bytes) chunk=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "whole_run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ -x $bin ]] || { echo "whole_run.sh: no tributary binary at $bin (scripts/build release)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "whole_run.sh: needs /usr/bin/time (Debian package time)" >&2; exit 1; }
js=$root/tests/js
[[ -d $js/node_modules/@duckdb ]] || { echo "whole_run.sh: run scripts/install-deps first (DuckDB for node)" >&2; exit 1; }

raw=$work/raw
if [[ ! -f $work/input.done || $(cat "$work/input.done") != "$users $days $chunk" ]]; then
  rm -rf "$work"
  mkdir -p "$raw"
  echo "generating: $users users, $days days, objects of at most $chunk bytes, every event twice" >&2
  "$bin" generate --store "file://$raw" --users "$users" --from-days "$days" --to-days 0 \
    --now 2024-06-01T00:00:00Z --seed 7 --chunk-bytes "$chunk" --loop 2 >/dev/null
  n=0
  while IFS= read -r f; do
    if ((n++ % 4 == 3)); then gzip -c "$f" >"${f%.json}.gz" && rm "$f"; fi
  done < <(find "$raw" -type f -name '*.json' | LC_ALL=C sort)
  echo "$users $days $chunk" >"$work/input.done"
fi
objects=$(find "$raw" -type f | wc -l)
gz=$(find "$raw" -type f -name '*.gz' | wc -l)
bytes=$(du -sb "$raw" | cut -f1)
lines=$(find "$raw" -type f -name '*.json' -exec cat {} + | wc -l)
gz_lines=$(find "$raw" -type f -name '*.gz' -exec zcat {} + | wc -l)
printf 'input: %d objects (%d gzip), %d MB stored, %d lines\n' "$objects" "$gz" \
  $((bytes / 1000000)) $((lines + gz_lines))

# Runs "$@" under /usr/bin/time; prints "wall cpu peak_rss_mb".
measure() {
  local out=$work/time.out
  /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >"$work/cmd.log" 2>&1 || {
    cat "$work/cmd.log" >&2
    echo "whole_run.sh: $1 failed" >&2
    exit 1
  }
  awk '{ printf "%.2f %.2f %d\n", $1, $2 + $3, $4 / 1024 }' "$out"
}

duck_statements=()
for s in listen_events page_view_events auth_events status_change_events; do
  duck_statements+=("COPY (SELECT *, CAST(to_timestamp(ts / 1000) AS DATE) AS event_date
    FROM read_json('$raw/Raw/$s/*', format = 'newline_delimited', union_by_name = true))
    TO '$work/duck/$s' (FORMAT parquet, PARTITION_BY (event_date), COMPRESSION zstd)")
done

printf '%-6s %-10s %8s %8s %10s\n' round what wall_s cpu_s peak_mb
for ((r = 1; r <= rounds; r++)); do
  rm -rf "$work/lake" "$work/state.db"* "$work/duck"
  mkdir -p "$work/lake" "$work/duck"
  read -r t_wall t_cpu t_rss < <(measure "$bin" run --until-idle --no-http --source "file://$raw" \
    --lake "file://$work/lake" --state "sqlite://$work/state.db")
  read -r d_wall d_cpu d_rss < <(measure node "$js/duckdb_query.mjs" "${duck_statements[@]}")
  printf '%-6s %-10s %8s %8s %10s\n' "$r" tributary "$t_wall" "$t_cpu" "$t_rss"
  printf '%-6s %-10s %8s %8s %10s\n' "$r" duckdb "$d_wall" "$d_cpu" "$d_rss"
  printf '%-6s %-10s %8.2f\n' "$r" ratio "$(awk -v d="$d_wall" -v t="$t_wall" 'BEGIN { print d / t }')"
done
