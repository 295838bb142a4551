#!/usr/bin/env bash
# deploy/docker-compose.yml: valid for docker-compose (1.29 and later), with and without each
# source profile; wiring that `docker compose up` needs to converge; no secret in the file.
set -euo pipefail
root=$1
compose=$root/deploy/docker-compose.yml
env_example=$root/deploy/.env.example
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dc() { docker-compose --project-directory "$root/deploy" -f "$compose" --env-file "$env_example" "$@"; }

dc config -q || fail "docker-compose config"
for p in eventsim generator; do
  dc --profile "$p" config -q || fail "docker-compose --profile $p config"
done
dc config > "$work/config.yml"

# Without deploy/.env the secrets are missing and compose says where to put them.
if out=$(cd "$work" && docker-compose -f "$compose" --project-directory "$work" config 2>&1); then
  fail "config without an env file should fail on the missing secrets"
fi
[[ $out == *"set it in deploy/.env"* ]] || fail "missing-secret message: $out"

python3 - "$work/config.yml" "$compose" "$env_example" <<'PY' || fail "compose wiring (see above)"
import re, sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
raw = open(sys.argv[2]).read()
env_example = open(sys.argv[3]).read()
services = config["services"]
errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)

expected = {"minio", "minio-init", "postgres", "tributary", "eventsim", "fluentd", "generator",
            "metabase", "metabase-setup"}
check(expected <= set(services), f"services missing: {expected - set(services)}")
one_shot = {"minio-init", "metabase-setup"}
profiles = {name: s.get("profiles", []) for name, s in services.items()}
check(profiles.get("eventsim") == ["eventsim"] and profiles.get("fluentd") == ["eventsim"],
      "eventsim and fluentd belong to profile eventsim")
check(profiles.get("generator") == ["generator"], "generator belongs to profile generator")
check(all(not profiles[n] for n in expected - {"eventsim", "fluentd", "generator"}),
      "core services run in every profile")
check("COMPOSE_PROFILES=eventsim" in env_example, ".env.example selects the eventsim profile")

for name, s in services.items():
    # Long-running services are health-checked (in compose or the image); one-shots are not restarted.
    if name in one_shot:
        check(s.get("restart") == "no", f"{name}: one-shot must not restart")
        continue
    hc = s.get("healthcheck")
    if name == "generator":
        continue
    if name in ("eventsim",):
        continue
    if s.get("image", "").startswith("tributary-fluentd"):
        continue  # health check in deploy/fluentd/Dockerfile
    check(hc and hc.get("test"), f"{name}: no health check")
    # Every dependency waits for health or completion, never just for start.
    for dep, cond in (s.get("depends_on") or {}).items():
        want = "service_completed_successfully" if dep in one_shot else "service_healthy"
        check(cond.get("condition") == want, f"{name} -> {dep}: condition {cond} (want {want})")

# Third-party images are pinned to a release: `docker compose pull` months apart must bring the
# same stack (our own images are built locally, tagged :local).
for name, s in services.items():
    image = s.get("image", "")
    tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
    if tag == "local":
        continue
    check(tag and tag != "latest" and any(c.isdigit() for c in tag),
          f"{name}: image {image!r} is not pinned to a release")

t = services["tributary"]
check(t["depends_on"]["minio-init"]["condition"] == "service_completed_successfully", "tributary waits for minio-init")
check(t["command"][0] == "run" and "--source" in t["command"] and "--lake" in t["command"], "tributary run --source --lake")
check(t["environment"]["TRIBUTARY_LISTEN"] == "0.0.0.0:8080", "tributary listens on 0.0.0.0:8080")
check(t["environment"]["TRIBUTARY_WAREHOUSE"].startswith("postgresql://tributary_loader:"), "tributary loads as tributary_loader")
check(t["environment"]["TRIBUTARY_S3_ADDRESSING"] == "path", "path-style S3 for MinIO")
check(t["environment"]["TRIBUTARY_STATUS_TOKEN"].startswith("change-me"), "the status page asks for the token from .env")
g = services["generator"]
check(g["command"][:1] == ["generate"] and "--realtime" in g["command"] and "Raw/" in g["command"], "generator: generate --realtime --prefix Raw/")
m = services["minio"]["environment"]
check(m["MINIO_NOTIFY_WEBHOOK_ENDPOINT_TRIBUTARY"] == "http://tributary:8080/hooks/minio", "webhook endpoint")
check(m["MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_TRIBUTARY"].startswith("Bearer change-me"), "webhook token from .env")
check(services["fluentd"]["environment"]["FLUENTD_CONF"] in ("fluent.conf", "fluent-gzip.conf"), "fluentd config variant")
# minio-init subscribes the raw bucket to the ARN MinIO derives from the webhook variables:
# arn:minio:sqs::<ID>:webhook, <ID> being the suffix of MINIO_NOTIFY_WEBHOOK_ENABLE_<ID> as written
# (MinIO keeps its case, and compares ARNs exactly: a mismatch makes `mc event add` fail, so
# minio-init fails and tributary never starts).
ids = [k[len("MINIO_NOTIFY_WEBHOOK_ENABLE_"):] for k in m if k.startswith("MINIO_NOTIFY_WEBHOOK_ENABLE_")]
init_sh = open(sys.argv[2].replace("docker-compose.yml", "minio/init.sh")).read()
arns = re.findall(r"arn:minio:sqs:[^:\s\"']*:([^:\s\"']+):webhook", init_sh)
check(len(ids) == 1 and arns and all(a == ids[0] for a in arns),
      f"minio-init's webhook ARN ids {arns} differ from the MinIO target id {ids}")
details = open(sys.argv[2].replace("docker-compose.yml", "metabase/setup.sh")).read()
check('"user": "tributary_bi"' in details, "Metabase reads the warehouse as tributary_bi")

# No secret is written in the compose file: every password/secret/token value is a variable.
for m_ in re.finditer(r"^\s*([A-Z_]*(PASSWORD|SECRET|TOKEN|PASS)[A-Z_]*):\s*(.+)$", raw, re.M):
    check("${" in m_.group(3), f"literal secret in compose: {m_.group(1)}")
# Every variable the compose file needs without a default is in .env.example, and every secret
# there is a placeholder.
needed = set(re.findall(r"\$\{([A-Z0-9_]+)(?::\?[^}]*)?\}", raw))
defined = dict(re.findall(r"^([A-Z0-9_]+)=(.*)$", env_example, re.M))
check(needed <= set(defined), f".env.example lacks {needed - set(defined)}")
for k, v in defined.items():
    if re.search(r"PASSWORD|SECRET|TOKEN", k):
        check(v.startswith("change-me"), f".env.example {k} is not a change-me placeholder")
for e in errors:
    print("  " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
echo "compose: ok"
