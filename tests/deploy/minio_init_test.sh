#!/usr/bin/env bash
# deploy/minio/init.sh (POSIX sh, as in the mc image) against a stand-in `mc` that keeps MinIO's
# state in files and answers as mc does: `admin user info` prints AccessKey/Status/PolicyName/
# MemberOf lines, attaching a policy twice is an error, and `event add` knows only the webhook
# target that docker-compose.yml configures (arn:minio:sqs::<ID>:webhook, <ID> as written).
# With the access keys of deploy/.env.example (named like their policies), each user must end up
# with its policy, and a second run must succeed and change nothing.
set -euo pipefail
root=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/state"

target_id=$(sed -n 's/^ *MINIO_NOTIFY_WEBHOOK_ENABLE_\([A-Za-z0-9_]*\):.*/\1/p' "$root/deploy/docker-compose.yml")
[[ -n $target_id ]] || fail "no MINIO_NOTIFY_WEBHOOK_ENABLE_<ID> in docker-compose.yml"

cat > "$work/bin/mc" <<'MC'
#!/usr/bin/env bash
set -euo pipefail
s=$MC_STATE
echo "$*" >> "$s/calls"
case "$1 ${2:-}" in
  "alias set" | "mb --ignore-existing" | "version enable") exit 0 ;;
  "admin policy")
    case $3 in
      create) python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$6" || exit 1
        cp "$6" "$s/policy.$5" ;;
      attach) [[ -f $s/policy.$5 && -f $s/user.$7 && $6 == --user ]] || exit 1
        if grep -qx "$5" "$s/user.$7"; then
          echo "mc: <ERROR> Unable to attach policy. The specified policy change is already in effect." >&2
          exit 1
        fi
        echo "$5" >> "$s/user.$7" ;;
      *) exit 1 ;;
    esac ;;
  "admin user")
    case $3 in
      add) touch "$s/user.$5" ;;
      info) [[ -f $s/user.$5 ]] || { echo "mc: <ERROR> Unable to get user info. The specified user does not exist." >&2; exit 1; }
        printf 'AccessKey: %s\nStatus: enabled\nPolicyName: %s\nMemberOf: \n' "$5" "$(paste -sd, "$s/user.$5")" ;;
      *) exit 1 ;;
    esac ;;
  "event ls") [[ ! -f $s/events ]] || cat "$s/events" ;;
  "event add")
    if [[ $4 != "arn:minio:sqs::$MC_TARGET_ID:webhook" ]]; then
      echo "mc: <ERROR> Unable to enable notification on the specified bucket. A specified destination ARN does not exist or is not well-formed. Verify the destination ARN." >&2
      exit 1
    fi
    echo "$4   s3:ObjectCreated:*   Filter: prefix=\"Raw/\"" >> "$s/events" ;;
  *) echo "stand-in mc: unexpected: $*" >&2; exit 1 ;;
esac
MC
chmod +x "$work/bin/mc"

# The credentials of deploy/.env.example.
env_value() { sed -n "s/^$1=//p" "$root/deploy/.env.example"; }
run_init() {
  env -i PATH="$work/bin:$PATH" MC_STATE="$work/state" MC_TARGET_ID="$target_id" \
    MINIO_ROOT_USER=minio-admin MINIO_ROOT_PASSWORD=root-secret RAW_BUCKET=de-streaming-test \
    LAKE_BUCKET=tributary-lake \
    FLUENTD_S3_ACCESS_KEY="$(env_value FLUENTD_S3_ACCESS_KEY)" FLUENTD_S3_SECRET_KEY=fluentd-secret \
    TRIBUTARY_S3_ACCESS_KEY="$(env_value TRIBUTARY_S3_ACCESS_KEY)" TRIBUTARY_S3_SECRET_KEY=tributary-secret \
    sh "$root/deploy/minio/init.sh" 2>&1
}
has_policy() { # access-key policy
  grep -qx "$2" "$work/state/user.$1" 2>/dev/null
}

out=$(run_init) || fail "first run failed: $out"
fluentd_key=$(env_value FLUENTD_S3_ACCESS_KEY)
tributary_key=$(env_value TRIBUTARY_S3_ACCESS_KEY)
has_policy "$fluentd_key" fluentd || fail "user $fluentd_key has no fluentd policy: $out"
has_policy "$tributary_key" tributary || fail "user $tributary_key has no tributary policy: $out"
[[ $(wc -l < "$work/state/events") == 1 ]] || fail "bucket notification not set once: $out"
out=$(run_init) || fail "second run failed: $out"
[[ $out == *"already set"* ]] || fail "second run: $out"
[[ $(wc -l < "$work/state/events") == 1 ]] || fail "second run added a notification"
[[ $(wc -l < "$work/state/user.$fluentd_key") == 1 ]] || fail "second run changed policies"
echo "minio-init: users get their policies, notification on $target_id, idempotent"
