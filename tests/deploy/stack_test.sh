#!/usr/bin/env bash
# The stack from zero, without containers: its parts run as processes, wired the way
# deploy/docker-compose.yml wires them (read from `docker-compose config`, not restated here).
#
#   stack_test.sh ROOT TRIBUTARY compose   the local stack: a fresh PostgreSQL initialised by the
#       script compose mounts into /docker-entrypoint-initdb.d, run as the postgres image's
#       entrypoint runs it (superuser postgres, Unix socket, the postgres service's environment);
#       s3rver standing in for MinIO with the buckets of minio-init; `tributary generate` (the
#       generator service's command and credentials) standing in for eventsim + fluentd;
#       `tributary run --until-idle` with the tributary service's command and environment (the
#       loader role, S3 source and lake, the webhook and status tokens); `report` as tributary_bi.
#   stack_test.sh ROOT TRIBUTARY rds       the AWS path: the database created by its master user,
#       who has CREATEROLE and CREATEDB but is no superuser (RDS's rds_superuser); the same
#       init-roles.sh run as that master with the variables the workers' set-up container gets
#       (infra/lib/tributary-stack.ts), twice (every worker task runs it at start); then `run` as
#       the loader and `report` as tributary_bi.
#
# Stand-ins, because no container runtime runs here: s3rver has one account (S3RVER) and no
# policies or notifications, so both MinIO users map to it (minio_init_test covers the policies);
# the hosts `postgres` and `minio` become 127.0.0.1 ports. Everything else is the real program.
set -euo pipefail
root=$1
tributary=$2
mode=$3
[[ $mode == compose || $mode == rds ]] || { echo "usage: $0 ROOT TRIBUTARY compose|rds" >&2; exit 64; }
fail() { echo "FAIL: $*" >&2; exit 1; }
bindir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
[[ -x $bindir/initdb ]] || fail "no PostgreSQL server binaries under /usr/lib/postgresql (scripts/install-deps)"

work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-stack.XXXXXX")
chmod 755 "$work"
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [[ -d $work/pg/data ]] && as_pg "$bindir/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1
  "$root/tests/fixtures/s3rver.sh" stop "$work/s3" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
secret() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }

# ---- the compose file's wiring, with an .env whose secrets are fresh --------------------------
# s3rver knows one account: both MinIO users are it.
sed -e "s/^\([A-Z_]*\(PASSWORD\|TOKEN\)\)=.*/\1=$(secret)/" \
    -e 's/^\(FLUENTD\|TRIBUTARY\)_S3_\(ACCESS\|SECRET\)_KEY=.*/\1_S3_\2_KEY=S3RVER/' \
    -e 's/^COMPOSE_PROFILES=.*/COMPOSE_PROFILES=generator/' \
    "$root/deploy/.env.example" > "$work/.env"
grep -q "^[A-Z_]*=change-me" "$work/.env" && fail "a change-me placeholder is left in the test's .env"
docker-compose --project-directory "$root/deploy" -f "$root/deploy/docker-compose.yml" \
  --env-file "$work/.env" --profile generator config > "$work/compose.yml" || fail "docker-compose config"

# Writes, per service, its environment (KEY=VALUE lines) and command (one argument a line), with
# the hosts `postgres` and `minio` replaced by this machine's ports ($1, $2) and the init script's
# host path (postgres service's volume).
wiring() {
  python3 - "$work/compose.yml" "$work" "$1" "$2" "$root/deploy" <<'PY'
import sys, yaml
config, out, pg_port, s3_endpoint, deploy = sys.argv[1:]
services = yaml.safe_load(open(config))["services"]
def local(v):
    return (str(v).replace("@postgres:5432/", f"@127.0.0.1:{pg_port}/")
            .replace("http://minio:9000", s3_endpoint))
for name in ("postgres", "minio-init", "generator", "tributary"):
    s = services[name]
    env = s.get("environment") or {}
    with open(f"{out}/{name}.env", "w") as f:
        for k, v in env.items():
            f.write(f"{k}={local(v)}\n")
    with open(f"{out}/{name}.cmd", "w") as f:
        for a in s.get("command") or []:
            f.write(f"{local(a)}\n")
init = [v for v in services["postgres"]["volumes"]
        if (v["target"] if isinstance(v, dict) else v.split(":")[1]).startswith("/docker-entrypoint-initdb.d/")]
assert len(init) == 1, init
src = init[0]["source"] if isinstance(init[0], dict) else init[0].split(":")[0]
open(f"{out}/initdb.path", "w").write(src.replace("./", deploy + "/", 1) if src.startswith("./") else src)
PY
}
env_of() { grep -E "^$2=" "$work/$1.env" | head -n1 | cut -d= -f2-; }

# ---- PostgreSQL: a fresh server; TCP with passwords for clients, as the image configures it ----
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
start_postgres() { # superuser password
  mkdir -p "$work/pg"
  printf '%s\n' "$2" > "$work/pg/pwfile"
  [[ $(id -u) -ne 0 ]] || chown -R postgres: "$work/pg"
  as_pg "$bindir/initdb" -D "$work/pg/data" -U "$1" --pwfile="$work/pg/pwfile" -E UTF8 \
    --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >"$work/pg/initdb.log" 2>&1 \
    || { cat "$work/pg/initdb.log" >&2; fail "initdb"; }
  local attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    pg_port=$((20000 + RANDOM % 40000))
    port_is_free "$pg_port" || continue
    if as_pg "$bindir/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -t 60 -o \
      "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pg -c fsync=off" start >/dev/null 2>&1; then
      return 0
    fi
  done
  cat "$work/pg/log" >&2
  fail "PostgreSQL did not start (attempt $attempt)"
}

# ---- s3rver in MinIO's place, with minio-init's buckets ----------------------------------------
pg_port=0
wiring 0 http://placeholder  # the bucket names first
raw_bucket=$(env_of minio-init RAW_BUCKET)
lake_bucket=$(env_of minio-init LAKE_BUCKET)
[[ -n $raw_bucket && -n $lake_bucket ]] || fail "minio-init names no buckets"
"$root/tests/fixtures/s3rver.sh" start "$work/s3" "$raw_bucket" "$lake_bucket" >/dev/null
s3_endpoint=$(sed -n 's/^S3_ENDPOINT=//p' "$work/s3/s3rver.env")

# ---- the warehouse's roles ----------------------------------------------------------------------
loader_pw=$(env_of postgres TRIBUTARY_LOADER_PASSWORD)
bi_pw=$(env_of postgres TRIBUTARY_BI_PASSWORD)
if [[ $mode == compose ]]; then
  start_postgres postgres "$(env_of postgres POSTGRES_PASSWORD)"
  wiring "$pg_port" "$s3_endpoint"
  init_script=$(cat "$work/initdb.path")
  [[ -x $init_script ]] || fail "$init_script is not executable: the image would source it into its entrypoint"
  # The image's entrypoint: the service's environment plus POSTGRES_USER/DB and PGPASSWORD, its
  # temporary server on the Unix socket only, the script executed (it is executable).
  mapfile -t pg_env < "$work/postgres.env"
  env -i PATH="$PATH" HOME="$work" "${pg_env[@]}" POSTGRES_USER=postgres POSTGRES_DB=postgres \
    PGPASSWORD="$(env_of postgres POSTGRES_PASSWORD)" PGHOST="$work/pg" PGPORT="$pg_port" \
    "$init_script" > "$work/init.out" || fail "init-roles.sh as the postgres image runs it"
  # The compose health check passes only once the BI role exists.
  [[ $(psql -X -h "$work/pg" -p "$pg_port" -U postgres -d tributary -tAc \
    "select 1 from pg_roles where rolname = 'tributary_bi'") == 1 ]] || fail "postgres health check"
  warehouse=$(env_of tributary TRIBUTARY_WAREHOUSE)
else
  master_pw=$(secret)
  start_postgres rdsadmin "$(secret)"
  wiring "$pg_port" "$s3_endpoint"
  # What RDS does for the stack: a master user with CREATEROLE and CREATEDB, no superuser, and the
  # database `tributary` (the stack's databaseName) owned by it.
  psql -X -q -v ON_ERROR_STOP=1 -h "$work/pg" -p "$pg_port" -U rdsadmin -d postgres -v pw="$master_pw" <<'SQL'
CREATE ROLE tributary_admin LOGIN CREATEROLE CREATEDB PASSWORD :'pw';
CREATE DATABASE tributary OWNER tributary_admin;
SQL
  # Before the roles exist, a loader that may not create them is told so in one line.
  early_pw=$(secret)
  psql -X -q -v ON_ERROR_STOP=1 -h "$work/pg" -p "$pg_port" -U rdsadmin -d postgres -v pw="$early_pw" <<'SQL'
CREATE ROLE early_loader LOGIN PASSWORD :'pw';
CREATE DATABASE early OWNER early_loader;
SQL
  mkdir -p "$work/early-raw"
  if (cd "$work" && env -i PATH="$PATH" HOME="$work" "$tributary" run --source "file://$work/early-raw" \
      --lake "file://$work/early-lake" --until-idle \
      --warehouse "postgresql://early_loader:$early_pw@127.0.0.1:$pg_port/early") 2>"$work/early.err" >/dev/null; then
    fail "run migrated without the roles it grants to"
  fi
  grep -q 'role tributary_bi does not exist and early_loader may not create roles: create the roles first' \
    "$work/early.err" || { cat "$work/early.err" >&2; fail "no clear error for missing roles"; }
  ! grep -qF "$early_pw" "$work/early.err" || fail "the password is in the error"
  # The set-up container of a worker task: the master secret and the two role passwords, over TCP.
  for run in 1 2; do
    env -i PATH="$PATH" HOME="$work" PGHOST=127.0.0.1 PGPORT="$pg_port" PGUSER=tributary_admin \
      PGPASSWORD="$master_pw" TRIBUTARY_LOADER_PASSWORD="$loader_pw" TRIBUTARY_BI_PASSWORD="$bi_pw" \
      bash "$root/deploy/postgres/init-roles.sh" > "$work/init.out" \
      || fail "init-roles.sh as the RDS master user (run $run)"
  done
  warehouse="postgresql://tributary_loader:$loader_pw@127.0.0.1:$pg_port/tributary"
fi
[[ $warehouse == postgresql://tributary_loader:* ]] || fail "the service does not load as tributary_loader: $warehouse"
bi_uri=${warehouse/tributary_loader:$loader_pw@/tributary_bi:$bi_pw@}
export PGPASSWORD=$bi_pw
bi_sql() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U tributary_bi -d tributary -tAc "$1"; }

# ---- the generator service, bounded: a few days of a few users instead of --realtime ------------
mapfile -t gen_env < "$work/generator.env"
mapfile -t gen_cmd < "$work/generator.cmd"
[[ ${gen_cmd[0]} == generate && " ${gen_cmd[*]} " == *" --realtime "* ]] || fail "generator command: ${gen_cmd[*]}"
gen_args=()
for a in "${gen_cmd[@]}"; do [[ $a == --realtime ]] || gen_args+=("$a"); done
env -i PATH="$PATH" HOME="$work" "${gen_env[@]}" "$tributary" "${gen_args[@]}" \
  --users 40 --from-days 3 --to-days 0 --seed 7 > "$work/generate.out" 2>"$work/generate.err" \
  || { cat "$work/generate.err" >&2; fail "generate"; }

# ---- tributary run: the service's command and environment, to idle ------------------------------
mapfile -t run_env < "$work/tributary.env"
mapfile -t run_cmd < "$work/tributary.cmd"
[[ ${run_cmd[0]} == run ]] || fail "tributary service command: ${run_cmd[*]}"
# On AWS the workers also write the lag as CloudWatch EMF lines on stdout (infra/lib/tributary-stack.ts).
extra_env=()
[[ $mode == rds ]] && extra_env=(TRIBUTARY_CLOUDWATCH_NAMESPACE=Tributary)
run_service() {
  env -i PATH="$PATH" HOME="$work" "${run_env[@]}" "${extra_env[@]}" TRIBUTARY_WAREHOUSE="$warehouse" \
    "$tributary" "${run_cmd[@]}" --until-idle 2>"$work/run.err" > "$work/run.out"
  tail -n 1 "$work/run.out"
}
run_env_names=" ${run_env[*]%%=*} "
for v in TRIBUTARY_WAREHOUSE AWS_ENDPOINT_URL_S3 TRIBUTARY_WEBHOOK_TOKEN TRIBUTARY_STATUS_TOKEN; do
  [[ $run_env_names == *" $v "* ]] || fail "the tributary service sets no $v"
done
out=$(cd "$work" && run_service) || { tail -n 20 "$work/run.err" >&2; fail "run as tributary_loader"; }
read -r objects events new_events failed < <(python3 -c '
import json, sys; r = json.loads(sys.argv[1])
print(r["objects"], r["events"], r["new_events"], r["failed_batches"])' "$out")
((objects > 0 && new_events > 0 && failed == 0)) || fail "run committed nothing: $out"
if [[ $mode == rds ]]; then
  # A line at start and one at stop: nothing pending then, and the newest event committed.
  python3 - "$work/run.out" <<'PY' || fail "EMF lines (above)"
import json, sys
lines = open(sys.argv[1]).read().splitlines()[:-1]
assert len(lines) >= 2, f"expected EMF lines at start and stop, got {lines}"
docs = [json.loads(l) for l in lines]
for d in docs:
    spec = d["_aws"]["CloudWatchMetrics"][0]
    assert spec["Namespace"] == "Tributary", spec
    for m in spec["Metrics"]:
        assert isinstance(d[m["Name"]], (int, float)), (m, d)
last = docs[-1]
assert last["PendingObjects"] == 0 and last["IngestLagSeconds"] == 0, last
assert last["NewestEventTimestamp"] > 1.5e9 and last["NewestEventAgeSeconds"] >= 0, last
PY
fi
# No secret of the environment reached the log.
for s in "$loader_pw" "$(env_of tributary TRIBUTARY_WEBHOOK_TOKEN)" "$(env_of tributary TRIBUTARY_STATUS_TOKEN)"; do
  ! grep -qF "$s" "$work/run.err" || fail "a secret is in run's log"
done
# A restart, as `restart: unless-stopped` does: the migrations are applied, nothing is new.
out2=$(cd "$work" && run_service) || { tail -n 20 "$work/run.err" >&2; fail "second run"; }
[[ $(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["new_events"])' "$out2") == 0 ]] \
  || fail "the restarted run found new events: $out2"

# ---- BI: the report as tributary_bi, checked against the facts it reads ---------------------------
facts=$(bi_sql "select (select count(*) from fact_listen) + (select count(*) from fact_page_view)
  + (select count(*) from fact_auth) + (select count(*) from fact_status_change)")
((facts == new_events)) || fail "BI sees $facts facts, run committed $new_events new events"
read -r from to < <(bi_sql "select min(event_date), max(event_date) + 1 from v_listens" | tr '|' ' ')
[[ -n ${from:-} && -n ${to:-} ]] || fail "no listens visible to BI"
"$tributary" report --warehouse "$bi_uri" --from "$from" --to "$to" --top 5 \
  --format json > "$work/report.json" 2>"$work/report.err" \
  || { cat "$work/report.err" >&2; fail "report as tributary_bi"; }
listens=$(bi_sql "select count(*) from fact_listen")
page_views=$(bi_sql "select count(*) from fact_page_view")
python3 - "$work/report.json" "$listens" "$page_views" > "$work/top_song" <<'PY' || fail "report answers (above)"
import json, sys
r = json.load(open(sys.argv[1]))
listens, page_views = int(sys.argv[2]), int(sys.argv[3])
errors = []
for key in ("top_locations", "top_songs", "user_listening"):
    if not r[key]:
        errors.append(f"{key} is empty")
plays = [s["plays"] for s in r["top_songs"]]
if plays != sorted(plays, reverse=True) or not all(0 < p <= listens for p in plays):
    errors.append(f"top songs' plays {plays} not descending within 1..{listens}")
if sum(l["page_views"] for l in r["top_locations"]) > page_views:
    errors.append("the top locations count more page views than the warehouse holds")
if any(u["plays"] <= 0 or u["hours"] <= 0 for u in r["user_listening"]):
    errors.append("a listening user with no plays or hours")
for e in errors:
    print("  " + e, file=sys.stderr)
if errors:
    sys.exit(1)
top = r["top_songs"][0]
print(top["artist"]); print(top["song"]); print(top["plays"])
PY
{ read -r top_artist; read -r top_song; read -r top_plays; } < "$work/top_song"
# The top song's plays, counted by BI over the view it would query itself.
counted=$(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U tributary_bi -d tributary -tA \
  -v a="$top_artist" -v s="$top_song" -v f="$from" -v t="$to" <<'SQL'
select count(*) from v_listens
where artist = :'a' and song = :'s' and event_date >= :'f' and event_date < :'t';
SQL
)
((counted == top_plays)) || fail "report says $top_artist - $top_song was played $top_plays times, v_listens counts $counted"

# ---- least privilege, as deployed -------------------------------------------------------------
denied() { # user password sql: must fail with a permission or read-only error
  local got
  if got=$(PGPASSWORD=$2 psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U "$1" -d tributary -tAc "$3" 2>&1); then
    fail "$1 was allowed: $3"
  fi
  [[ $got == *"permission denied"* || $got == *"read-only transaction"* ]] || fail "$1: unexpected error for '$3': $got"
}
denied tributary_bi "$bi_pw" "delete from fact_listen"
denied tributary_bi "$bi_pw" "begin; set transaction read write; delete from fact_listen; commit"
# The ingester's bookkeeping is out of BI's sight (migration 0023), although the loader's
# default privileges give BI every schema it creates.
denied tributary_bi "$bi_pw" "select count(*) from tributary_ingest.ingest_object"
[[ $(bi_sql "select has_schema_privilege('tributary_ingest', 'USAGE')") == f ]] ||
  fail "tributary_bi may use schema tributary_ingest"
denied tributary_loader "$loader_pw" "create role sneaky"
echo "stack ($mode): $objects objects, $events events read, $new_events new committed as tributary_loader; report as tributary_bi over $from..$to"
