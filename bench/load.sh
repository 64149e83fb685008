#!/usr/bin/env bash
# Load test: 50 locust users for 60 s against gunicorn on PostgreSQL 15 and Redis, all on 127.0.0.1.
# Starts a throw-away PostgreSQL cluster, Redis (the cache: sessions' rate limits, PDFs) and LOAD_SERVERS
# gunicorn servers (default 2, LOAD_WORKERS workers each) in temporary directories and stops them all.
# Users are spread over the servers; a reader signs in on one and reads on the other (stateless servers).
# With two cores or more the load generator runs on the last core and the servers on the others
# (LOAD_PIN=0 turns this off), so that the servers' own latency shows.
# Not part of ./scripts/test. Prints locust's summary; exits non-zero on any failed request.
set -euo pipefail

source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"

USERS="${LOAD_USERS:-50}"
DURATION="${LOAD_DURATION:-60s}"
WORKERS="${LOAD_WORKERS:-2}"
SERVERS="${LOAD_SERVERS:-2}"
WORK="$(mktemp -d /tmp/kumokan-load.XXXXXX)"
GUNICORN_PIDS=()
cleanup() {
    for pid in "${GUNICORN_PIDS[@]}"; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    redis_stop
    pg_stop
    rm -rf "$WORK"
}
trap cleanup EXIT

step "PostgreSQL 15 (throw-away cluster) and Redis"
pg_start
redis_start
export KUMOKAN_CACHE_URL="$REDIS_URL" KUMOKAN_REDIS_URL="$REDIS_URL"
# Every user of this test comes from 127.0.0.1: the API's per-address limit (600/m by default) would
# refuse a third of the API calls with 429 (run of 2026-12-04 05:49); the per-token limit stays as it is.
export KUMOKAN_API_RATE_PER_ADDRESS="${KUMOKAN_API_RATE_PER_ADDRESS:-100000/m}"
SERVER_CPUS="" LOCUST_CPUS=""
CORES="$(nproc)"
if [ "${LOAD_PIN:-1}" != 0 ] && [ "$CORES" -ge 2 ] && command -v taskset >/dev/null; then
    SERVER_CPUS="0-$((CORES - 2))" LOCUST_CPUS="$((CORES - 1))"
fi
free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
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

HOSTS=()
for n in $(seq "$SERVERS"); do
    PORT="$(free_port)"
    step "gunicorn $n on 127.0.0.1:$PORT ($WORKERS workers${SERVER_CPUS:+, cores $SERVER_CPUS})"
    # taskset execs gunicorn, so $! is gunicorn's own process.
    ${SERVER_CPUS:+taskset -c "$SERVER_CPUS"} "$VENV/bin/gunicorn" kumokan.config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
        --access-logfile /dev/null --error-logfile "$WORK/gunicorn-$n.log" &
    GUNICORN_PIDS+=($!)
    HOSTS+=("http://127.0.0.1:$PORT")
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
done
export LOAD_HOSTS="${HOSTS[*]}"

step "locust: $USERS users for $DURATION${LOCUST_CPUS:+ (core $LOCUST_CPUS)}"
set +e
${LOCUST_CPUS:+taskset -c "$LOCUST_CPUS"} "$VENV/bin/locust" -f bench/load.py --headless --host "${HOSTS[0]}" \
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
tail -n 5 "$WORK"/gunicorn-*.log || true
exit "$status"
