#!/usr/bin/env bash
# Load test: 50 locust users for 60 s against gunicorn on PostgreSQL 15, all on 127.0.0.1.
# Starts a throw-away PostgreSQL cluster and gunicorn in temporary directories and stops both.
# Not part of ./scripts/test. Prints locust's summary; exits non-zero on any failed request.
set -euo pipefail

source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"

USERS="${LOAD_USERS:-50}"
DURATION="${LOAD_DURATION:-60s}"
WORKERS="${LOAD_WORKERS:-4}"
WORK="$(mktemp -d /tmp/kumokan-load.XXXXXX)"
GUNICORN_PID=""
cleanup() {
    [ -n "$GUNICORN_PID" ] && kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null
    pg_stop
    rm -rf "$WORK"
}
trap cleanup EXIT

step "PostgreSQL 15 (throw-away cluster)"
pg_start

PORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# Production settings over plain HTTP on loopback: the load balancer's TLS is not what is measured.
export KUMOKAN_DEBUG=false KUMOKAN_SECRET_KEY="load-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export KUMOKAN_DATABASE_URL="$PG_DATABASE_URL" KUMOKAN_ALLOWED_HOSTS=127.0.0.1
export KUMOKAN_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
# Mail to the demo people goes nowhere (the console backend would print every notification).
export KUMOKAN_EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
export LOAD_FIXTURE="$WORK/fixture.json" LOAD_PASSWORD="load-password-$(date +%s)"

step "Database and data (Kobe's demo and applications to decide)"
manage migrate --noinput -v 0
manage collectstatic --noinput -v 0
manage shell -v 0 <bench/load_setup.py

step "gunicorn on 127.0.0.1:$PORT ($WORKERS workers)"
"$VENV/bin/gunicorn" kumokan.config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --access-logfile /dev/null --error-logfile "$WORK/gunicorn.log" &
GUNICORN_PID=$!
"$VENV/bin/python" - "$PORT" <<'PY'
import sys, time, urllib.request
for _ in range(120):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=2)
        break
    except OSError:
        time.sleep(0.5)
else:
    sys.exit("gunicorn did not start")
PY

step "locust: $USERS users for $DURATION"
set +e
"$VENV/bin/locust" -f bench/load.py --headless --host "http://127.0.0.1:$PORT" \
    --users "$USERS" --spawn-rate 10 --run-time "$DURATION" --stop-timeout 10 \
    --csv "$WORK/load" --only-summary
status=$?
set -e
step "Per request (p50 / p95 in ms)"
"$VENV/bin/python" - "$WORK/load_stats.csv" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    print(f"{row['Type']:6} {row['Name']:45} n={row['Request Count']:>6} fail={row['Failure Count']:>3} "
          f"p50={row['50%']:>5} p95={row['95%']:>5} rps={float(row['Requests/s']):.1f}")
PY
if [ -s "$WORK/load_failures.csv" ] && [ "$(wc -l <"$WORK/load_failures.csv")" -gt 1 ]; then
    cat "$WORK/load_failures.csv"
fi
tail -5 "$WORK/gunicorn.log" || true
exit "$status"
