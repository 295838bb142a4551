#!/bin/sh
# One-shot MinIO setup for the compose stack (runs in the minio/mc image, POSIX sh), idempotent:
#   - the raw bucket (fluentd's target) and the lake bucket;
#   - least-privilege users: fluentd may only put objects under Raw/, tributary may read the raw
#     bucket and read/write the lake;
#   - the raw bucket's put notifications under Raw/ to tributary's webhook (target "tributary",
#     configured on the server by the MINIO_NOTIFY_WEBHOOK_*_TRIBUTARY variables).
set -eu
: "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}" "${RAW_BUCKET:?}" "${LAKE_BUCKET:?}"
: "${FLUENTD_S3_ACCESS_KEY:?}" "${FLUENTD_S3_SECRET_KEY:?}"
: "${TRIBUTARY_S3_ACCESS_KEY:?}" "${TRIBUTARY_S3_SECRET_KEY:?}"
endpoint=${MINIO_ENDPOINT:-http://minio:9000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tries=0
until mc alias set local "$endpoint" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 30 ] || { echo "minio-init: MinIO at $endpoint not reachable" >&2; exit 1; }
  sleep 2
done

mc mb --ignore-existing "local/$RAW_BUCKET"
mc mb --ignore-existing "local/$LAKE_BUCKET"
mc version enable "local/$LAKE_BUCKET"

cat > "$work/fluentd.json" <<JSON
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"],
   "Resource": ["arn:aws:s3:::$RAW_BUCKET/Raw/*"]},
  {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
   "Resource": ["arn:aws:s3:::$RAW_BUCKET"]}
]}
JSON
cat > "$work/tributary.json" <<JSON
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::$RAW_BUCKET/*"]},
  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
     "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
   "Resource": ["arn:aws:s3:::$LAKE_BUCKET/*"]},
  {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation",
     "s3:ListBucketMultipartUploads"],
   "Resource": ["arn:aws:s3:::$RAW_BUCKET", "arn:aws:s3:::$LAKE_BUCKET"]}
]}
JSON

add_user() { # name access-key secret-key
  mc admin policy create local "$1" "$work/$1.json" >/dev/null
  mc admin user add local "$2" "$3" >/dev/null
  # Attaching a policy twice is an error, so look at the PolicyName line (a comma-separated list):
  # the whole output also holds "AccessKey: <key>", which may contain the policy's name.
  if ! mc admin user info local "$2" | grep -Eq "^PolicyName: (.*,)?$1(,.*)?\$"; then
    mc admin policy attach local "$1" --user "$2" >/dev/null
  fi
  echo "minio-init: user $2 has policy $1"
}
add_user fluentd "$FLUENTD_S3_ACCESS_KEY" "$FLUENTD_S3_SECRET_KEY"
add_user tributary "$TRIBUTARY_S3_ACCESS_KEY" "$TRIBUTARY_S3_SECRET_KEY"

# MinIO names the target after the suffix of MINIO_NOTIFY_WEBHOOK_ENABLE_TRIBUTARY, case kept, and
# compares ARNs exactly: the id here must be spelled as in deploy/docker-compose.yml.
arn=arn:minio:sqs::TRIBUTARY:webhook
if mc event ls "local/$RAW_BUCKET" "$arn" 2>/dev/null | grep -q "$arn"; then
  echo "minio-init: notification to $arn already set"
else
  mc event add "local/$RAW_BUCKET" "$arn" --event put --prefix Raw/
fi
echo "minio-init: done"
