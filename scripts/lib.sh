# Shared by scripts/run and scripts/test; source it, don't run it.
# Every function is safe to call again: it does only what is still missing.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PG_BIN=/usr/lib/postgresql/15/bin
PG_SYSTEM_USER=kumokan-pg

step() {
    printf '\n\033[1m==> %s\033[0m\n' "$*"
}

is_root() {
    [ "$(id -u)" -eq 0 ]
}

# ensure_apt_packages NAME…: install the Debian packages that are missing (as root), or say what to
# install and stop (as anyone else). apt-get update runs once, and only when something is missing.
APT_UPDATED=false
ensure_apt_packages() {
    local missing=() package
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if ! is_root; then
        echo "Missing Debian packages: ${missing[*]}" >&2
        echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "Installing ${missing[*]}"
    if [ "$APT_UPDATED" = false ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        APT_UPDATED=true
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
}

# ensure_venv: .venv on Python 3.11 with exactly the locked packages, and kumokan installed editable.
# The packages are compiled to bytecode when installed (--compile-bytecode): with PYTHONDONTWRITEBYTECODE
# set (as on the project's machines) Python never writes a .pyc itself, and every new process (each
# test worker, the CLI, gunicorn and Celery in the tests) compiled Django and the rest again from
# source: 3 s of CPU each.
ensure_venv() {
    if ! command -v python3.11 >/dev/null 2>&1; then
        ensure_apt_packages python3.11 python3.11-venv
    elif ! python3.11 -c "import ensurepip, venv" >/dev/null 2>&1; then
        ensure_apt_packages python3.11-venv
    fi
    if ! "$VENV/bin/python" -c "import sys; assert sys.version_info[:2] == (3, 11)" >/dev/null 2>&1; then
        echo "Creating $VENV"
        rm -rf "$VENV"
        python3.11 -m venv "$VENV"
    fi
    if [ ! -x "$VENV/bin/uv" ]; then
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check uv
    fi
    (
        cd "$ROOT"
        VIRTUAL_ENV="$VENV" "$VENV/bin/uv" pip sync --quiet --compile-bytecode requirements.lock
        VIRTUAL_ENV="$VENV" "$VENV/bin/uv" pip install --quiet -e . --no-deps
    )
}

manage() {
    "$VENV/bin/python" "$ROOT/manage.py" "$@"
}

# compile_messages_if_needed: rebuild a .mo only when its .po is newer (or the .mo is missing).
compile_messages_if_needed() {
    local po stale=false
    while IFS= read -r po; do
        if [ ! -f "${po%.po}.mo" ] || [ "$po" -nt "${po%.po}.mo" ]; then
            stale=true
        fi
    done < <(find "$ROOT/kumokan" -path '*/LC_MESSAGES/django.po')
    [ "$stale" = false ] && return 0
    ensure_apt_packages gettext
    (cd "$ROOT/kumokan" && "$VENV/bin/python" "$ROOT/manage.py" compilemessages)
}

# pg_start: a throw-away PostgreSQL 15 cluster listening only on a unix socket in a new temporary
# directory. Sets PG_DIR and PG_DATABASE_URL; pg_stop (put it in an EXIT trap) removes everything.
PG_DIR=""
PG_DATABASE_URL=""
as_pg_user() {
    if is_root; then
        (cd "$PG_DIR" && runuser -u "$PG_SYSTEM_USER" -- "$@")
    else
        (cd "$PG_DIR" && "$@")
    fi
}

pg_start() {
    local user
    # PostgreSQL refuses to run as root, so root runs it as a system user of its own.
    if is_root; then
        if ! id -u "$PG_SYSTEM_USER" >/dev/null 2>&1; then
            useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_SYSTEM_USER" || return 1
        fi
        user="$PG_SYSTEM_USER"
        PG_DIR="$(mktemp -d /tmp/kumokan-pg.XXXXXX)" || return 1
        chown "$PG_SYSTEM_USER:" "$PG_DIR" || return 1
    else
        user="$(id -un)"
        PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/kumokan-pg.XXXXXX")" || return 1
    fi
    # Called as `if pg_start`, where set -e does not apply: every step checks for itself.
    as_pg_user mkdir "$PG_DIR/socket" || return 1
    # C.UTF-8: pg_trgm sees Japanese letters only under a UTF-8 ctype (README, Deployment); its
    # collation is code-point order, as C's is.
    as_pg_user "$PG_BIN/initdb" --pgdata="$PG_DIR/data" --username="$user" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 || {
        cat "$PG_DIR/initdb.log" >&2
        return 1
    }
    # No TCP at all; durability is worthless for a database that is deleted in a minute.
    cat >>"$PG_DIR/data/postgresql.conf" <<EOF || return 1
listen_addresses = ''
unix_socket_directories = '$PG_DIR/socket'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    as_pg_user "$PG_BIN/pg_ctl" --pgdata="$PG_DIR/data" --log="$PG_DIR/server.log" --wait start >/dev/null || {
        cat "$PG_DIR/server.log" >&2
        return 1
    }
    "$PG_BIN/createdb" --host="$PG_DIR/socket" --username="$user" kumokan || return 1
    PG_DATABASE_URL="postgres://$user@/kumokan?host=$PG_DIR/socket"
    echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on $PG_DIR/socket"
}

pg_stop() {
    [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ] || return 0
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
        as_pg_user "$PG_BIN/pg_ctl" --pgdata="$PG_DIR/data" --mode=fast --wait stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
    PG_DIR=""
}

# What the printed forms need at run time (WeasyPrint, kumokan/documents): pango and the Japanese fonts.
DOCUMENT_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-ipaexfont)

# The background jobs' queue (kumokan.config.celery): Debian's Redis as Celery's broker.
QUEUE_PACKAGES=(redis-server)

# SAML 2.0 single sign-on (pysaml2, kumokan/accounts/saml.py) signs and checks XML signatures with xmlsec1.
SSO_PACKAGES=(xmlsec1)

# redis_start: a private Redis on 127.0.0.1 at a free port, with its files in a new temporary
# directory and nothing saved to disk. Sets REDIS_DIR and REDIS_URL; redis_stop (put it in an EXIT
# trap) stops it and removes the directory.
REDIS_DIR=""
REDIS_URL=""
REDIS_PID=""
redis_start() {
    local port
    REDIS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/kumokan-redis.XXXXXX")" || return 1
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')" || return 1
    redis-server --bind 127.0.0.1 --port "$port" --dir "$REDIS_DIR" --save "" --appendonly no \
        --logfile "$REDIS_DIR/redis.log" >/dev/null 2>&1 </dev/null &
    REDIS_PID=$!
    for _ in $(seq 100); do
        if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
            REDIS_URL="redis://127.0.0.1:$port/0"
            echo "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$port"
            return 0
        fi
        sleep 0.1
    done
    cat "$REDIS_DIR/redis.log" >&2
    return 1
}

redis_stop() {
    if [ -n "$REDIS_PID" ]; then
        kill "$REDIS_PID" 2>/dev/null || true
        wait "$REDIS_PID" 2>/dev/null || true
        REDIS_PID=""
    fi
    [ -n "$REDIS_DIR" ] && rm -rf "$REDIS_DIR"
    REDIS_DIR=""
}

# ensure_test_axe: the npm package axe-core (pinned by its package-lock.json), which the accessibility
# browser tests (kumokan/core/tests/test_accessibility_browser.py) add to every page kind they visit.
AXE_DIR="$ROOT/kumokan/core/tests/axe"
ensure_test_axe() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        ensure_apt_packages nodejs npm
    fi
    if [ ! -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ]; then
        (cd "$AXE_DIR" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}

# ensure_test_oidc_provider: Node.js and the npm package oidc-provider (pinned by its package-lock.json)
# for the single sign-on tests, which start a real OpenID Connect provider on loopback.
OIDC_PROVIDER_DIR="$ROOT/kumokan/accounts/tests/oidc_provider"
ensure_test_oidc_provider() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        ensure_apt_packages nodejs npm
    fi
    if [ ! -d "$OIDC_PROVIDER_DIR/node_modules/oidc-provider" ]; then
        (cd "$OIDC_PROVIDER_DIR" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}
