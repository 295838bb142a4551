#!/usr/bin/env bash
# deploy/metabase/setup.sh (POSIX sh, as in the curl image) against a stand-in for Metabase's setup
# API on 127.0.0.1: valid JSON, the read-only role, the setup token, the fallback that adds the
# database through /api/database, and a second run that sees setup done and changes nothing.
set -euo pipefail
root=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
server_pid=
cleanup() { [[ -z $server_pid ]] || kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

cat > "$work/server.py" <<'PY'
import json, sys, http.server
state = {"setup": False, "log": []}
log = open(sys.argv[2], "a")
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
    def body(self):
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))
    def do_GET(self):
        if self.path == "/api/session/properties":
            return self.reply(200, {"setup-token": None if state["setup"] else "tok-123",
                                    "has-user-setup": state["setup"]})
        if self.path == "/api/database":
            ok = self.headers.get("X-Metabase-Session") == "sess-1"
            return self.reply(200 if ok else 401, {"data": []})
        self.reply(404, {})
    def do_POST(self):
        b = self.body()
        if self.path == "/api/setup":
            assert b["token"] == "tok-123", b
            assert b["database"]["details"]["user"] == "tributary_bi", b
            assert b["database"]["details"]["password"] == "bi-secret", b
            assert b["user"]["email"] == "admin@example.com", b
            state["setup"] = True
            print("setup", file=log, flush=True)
            return self.reply(200, {"id": "sess-1"})
        if self.path == "/api/database":
            assert self.headers.get("X-Metabase-Session") == "sess-1"
            assert b["engine"] == "postgres" and b["details"]["dbname"] == "tributary", b
            print("database", b["details"]["user"], file=log, flush=True)
            return self.reply(200, {"id": 2})
        self.reply(404, {})
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(srv.server_address[1]))
srv.serve_forever()
PY
python3 "$work/server.py" "$work/port" "$work/requests" &
server_pid=$!
for _ in $(seq 50); do [[ -s $work/port ]] && break; sleep 0.1; done
[[ -s $work/port ]] || fail "stand-in server did not start"

run_setup() {
  env -i PATH="$PATH" METABASE_URL="http://127.0.0.1:$(cat "$work/port")" \
    MB_ADMIN_EMAIL=admin@example.com MB_ADMIN_PASSWORD=admin-secret1 TRIBUTARY_BI_PASSWORD=bi-secret \
    sh "$root/deploy/metabase/setup.sh"
}
out=$(run_setup) || fail "setup.sh failed: $out"
[[ $out == *"warehouse connected as tributary_bi"* ]] || fail "first run: $out"
[[ $(cat "$work/requests") == $'setup\ndatabase tributary_bi' ]] || fail "requests: $(cat "$work/requests")"
out=$(run_setup) || fail "second run failed: $out"
[[ $out == *"already set up"* ]] || fail "second run: $out"
[[ $(wc -l < "$work/requests") == 2 ]] || fail "second run changed something"
out=$(env -i PATH="$PATH" METABASE_URL=http://127.0.0.1:1 MB_ADMIN_EMAIL=a MB_ADMIN_PASSWORD='x"y' \
  TRIBUTARY_BI_PASSWORD=b sh "$root/deploy/metabase/setup.sh" 2>&1) && fail "accepted a quote in a password"
[[ $out == *"not supported"* ]] || fail "quote check: $out"
echo "metabase setup: setup + database fallback, idempotent"
