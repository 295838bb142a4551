#!/bin/sh
# One-shot Metabase setup (runs in the curlimages/curl image, POSIX sh), idempotent: creates the
# admin user and connects the warehouse with the read-only role tributary_bi. Metabase has no
# environment variable for a data source, so this uses its setup API once; later runs see that
# setup is done and exit 0.
set -eu
: "${MB_ADMIN_EMAIL:?}" "${MB_ADMIN_PASSWORD:?}" "${TRIBUTARY_BI_PASSWORD:?}"
mb=${METABASE_URL:-http://metabase:3000}

for v in "$MB_ADMIN_EMAIL" "$MB_ADMIN_PASSWORD" "$TRIBUTARY_BI_PASSWORD"; do
  case $v in *'"'* | *\\*) echo "metabase-setup: quotes and backslashes are not supported in credentials" >&2; exit 1 ;; esac
done

# JSON is read with sed (the curl image has no jq), tolerating blanks after the colons.
props=$(curl -fsS --retry 30 --retry-delay 5 --retry-all-errors "$mb/api/session/properties" | tr -d '\n')
if printf '%s' "$props" | grep -q '"has-user-setup": *true'; then
  echo "metabase-setup: already set up"
  exit 0
fi
token=$(printf '%s' "$props" | sed -n 's/.*"setup-token": *"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "metabase-setup: no setup token from $mb" >&2; exit 1; }

details=$(cat <<JSON
{"engine": "postgres", "name": "tributary warehouse",
 "details": {"host": "${WAREHOUSE_HOST:-postgres}", "port": ${WAREHOUSE_PORT:-5432},
             "dbname": "${WAREHOUSE_DB:-tributary}", "user": "tributary_bi",
             "password": "$TRIBUTARY_BI_PASSWORD", "ssl": false}}
JSON
)
session=$(curl -fsS -X POST "$mb/api/setup" -H 'Content-Type: application/json' --data-binary @- <<JSON |
{"token": "$token",
 "user": {"email": "$MB_ADMIN_EMAIL", "password": "$MB_ADMIN_PASSWORD",
          "first_name": "tributary", "last_name": "admin", "site_name": "tributary"},
 "prefs": {"site_name": "tributary", "allow_tracking": false},
 "database": $details}
JSON
  tr -d '\n' | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')
[ -n "$session" ] || { echo "metabase-setup: setup gave no session" >&2; exit 1; }

# Metabase versions that ignore "database" in the setup call: add it through the API.
if ! curl -fsS -H "X-Metabase-Session: $session" "$mb/api/database" | grep -q '"tributary warehouse"'; then
  curl -fsS -o /dev/null -X POST "$mb/api/database" -H "X-Metabase-Session: $session" \
    -H 'Content-Type: application/json' --data-binary "$details"
fi
echo "metabase-setup: admin $MB_ADMIN_EMAIL created, warehouse connected as tributary_bi"
