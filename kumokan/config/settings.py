"""kumokan's settings: every value that differs between machines comes from a KUMOKAN_* variable."""

import hashlib
import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "kumokan"


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable; anything but a clear yes or no is a mistake worth stopping for."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("KUMOKAN_DEBUG", False)

SECRET_KEY = os.environ.get("KUMOKAN_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "KUMOKAN_SECRET_KEY is not set. Set it to a long random string "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set KUMOKAN_DEBUG=true on a development machine."
        )
    SECRET_KEY = "django-insecure-kumokan-development-only"  # noqa: S105 (DEBUG only, never deployed)

ALLOWED_HOSTS = env_list("KUMOKAN_ALLOWED_HOSTS", "127.0.0.1,localhost")

# The audit trail's hashes are keyed (HMAC-SHA256) with a key the database does not hold, so whoever
# can write the database cannot re-hash a changed record (kumokan.audit.models). A key of its own
# (a file, or the variable) lets SECRET_KEY be rotated without orphaning the trail; without one the key
# is derived from SECRET_KEY.
_audit_key_file = os.environ.get("KUMOKAN_AUDIT_KEY_FILE", "")
if _audit_key_file:
    AUDIT_KEY = Path(_audit_key_file).read_bytes().strip()
else:
    AUDIT_KEY = os.environ.get("KUMOKAN_AUDIT_KEY", "").encode()
if AUDIT_KEY and len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured(
        "The audit key (KUMOKAN_AUDIT_KEY or KUMOKAN_AUDIT_KEY_FILE) needs 32 characters or more."
    )
if not AUDIT_KEY:
    AUDIT_KEY = hashlib.sha256(b"kumokan.audit\n" + SECRET_KEY.encode()).hexdigest().encode()
# Checkpoints of every chain's head (`manage.py audit_checkpoint`, and celery beat every 15 minutes) are
# appended to this file, which the database cannot change; `audit_verify` checks the trail against them.
# Put it where the database's users cannot write (another disk, or a host the file is shipped to).
AUDIT_CHECKPOINT_FILE = os.environ.get(
    "KUMOKAN_AUDIT_CHECKPOINT_FILE", str(BASE_DIR / "var" / "audit-checkpoints.jsonl")
)

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "kumokan.core.apps.StaticFilesConfig",  # django.contrib.staticfiles without ReDoc's bundle
    "django_htmx",
    "csp",
    "kumokan.core",
    "kumokan.home",
    # Domain apps: append below, one per line.
    "kumokan.tenancy",
    "kumokan.audit",
    "kumokan.notifications",
    "kumokan.catalog",
    "kumokan.applications",
    "kumokan.ledger",
    "kumokan.demo",
    "kumokan.api",
    "kumokan.documents",
    "kumokan.lifecycle",
    "ninja",  # for its Swagger UI files, served by us: the API docs load nothing from a CDN
    "kumokan.accounts",
    "kumokan.meetings",
    "kumokan.procurement",
    "kumokan.rulebook",
    "kumokan.webhooks",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kumokan.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kumokan.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kumokan.accounts.middleware.SSOSessionCheckMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kumokan.api.middleware.ApiErrorsMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kumokan.config.urls"
WSGI_APPLICATION = "kumokan.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kumokan.home.context_processors.navigation",
            ],
        },
    },
]

_default_database = BASE_DIR / "var" / "kumokan.sqlite3"
_database_url = os.environ.get("KUMOKAN_DATABASE_URL", "")
if not _database_url:
    _default_database.parent.mkdir(exist_ok=True)
    _database_url = f"sqlite:///{_default_database}"
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Errors and warnings go to stderr (gunicorn's and systemd's log), whatever DEBUG says: with DEBUG off
# Django's own default only mails ADMINS, so a 500 would leave no trace at all. kumokan's INFO lines
# (e.g. the audit checkpoints) go there too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {"kumokan": {"level": "INFO"}},
}
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# A deployment runs collectstatic and serves hashed, compressed files; development and the tests
# serve straight from the source folders, so neither needs collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    # WhiteNoise warns at every start when STATIC_ROOT is missing, as it is until a collectstatic.
    STATIC_ROOT.mkdir(exist_ok=True)

# Directories searched for packs before the shipped ones (kumokan.core.packs makes the site's one
# PackLibrary from them; the engine itself reads no environment).
KUMOKAN_PACK_PATH = [p for p in os.environ.get("KUMOKAN_PACK_PATH", "").split(os.pathsep) if p]

EMAIL_BACKEND = os.environ.get("KUMOKAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# No inline script or style anywhere, and nothing from another host: htmx and the CSS are ours.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    # A load balancer probes /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Behind a load balancer that ends TLS, e.g. "HTTP_X_FORWARDED_PROTO,https".
_proxy_ssl_header = os.environ.get("KUMOKAN_SECURE_PROXY_SSL_HEADER", "")
if _proxy_ssl_header:
    _header, _, _value = _proxy_ssl_header.partition(",")
    if not _header.strip() or not _value.strip():
        raise ImproperlyConfigured(
            "KUMOKAN_SECURE_PROXY_SSL_HEADER must be HEADER,VALUE, e.g. HTTP_X_FORWARDED_PROTO,https."
        )
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip())

# Background jobs (kumokan.lifecycle.tasks): Celery with Redis as the broker; celery beat runs the
# daily scan of due dates. Run `celery -A kumokan.config worker` and `celery -A kumokan.config beat`.
CELERY_BROKER_URL = os.environ.get("KUMOKAN_REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = CELERY_BROKER_URL

# Django's cache holds the API's rate-limit counts (kumokan.api.throttling). It must be shared by every
# worker and instance, so it is Redis (the one the jobs use, unless KUMOKAN_CACHE_URL names another).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("KUMOKAN_CACHE_URL", CELERY_BROKER_URL),
        "KEY_PREFIX": "kumokan",
    }
}
API_RATE_PER_TOKEN = os.environ.get("KUMOKAN_API_RATE_PER_TOKEN", "300/m")
API_RATE_PER_ADDRESS = os.environ.get("KUMOKAN_API_RATE_PER_ADDRESS", "600/m")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 86400
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Every morning before office hours: schedule, remind, escalate (Tokyo time).
    "lifecycle-scan-due-dates": {
        "task": "kumokan.lifecycle.scan_due_dates",
        "schedule": crontab(hour=6, minute=0),
    },
    # Certifications run out or were withdrawn: statuses, then re-checks of the services that relied on them.
    "catalog-check-certifications": {
        "task": "kumokan.catalog.check_certifications",
        "schedule": crontab(hour=5, minute=30),
    },
    # The audit chains' heads, signed, to the checkpoint file: records removed from a chain's end
    # before a checkpoint are found by audit_verify.
    "audit-checkpoint": {
        "task": "kumokan.audit.write_checkpoints",
        "schedule": crontab(minute="*/15"),
    },
    # Idempotency-Keys past their retention (kumokan.api.idempotency.RETENTION: 24 hours).
    "api-forget-idempotency-keys": {
        "task": "kumokan.api.forget_idempotency_keys",
        "schedule": crontab(minute=17),
    },
    # Webhook deliveries that are due and not on the queue (it was down, or a message was lost).
    "webhooks-send-due-deliveries": {
        "task": "kumokan.webhooks.send_due_deliveries",
        "schedule": crontab(minute="*"),
    },
}

# Webhooks (kumokan.webhooks, docs/webhooks.md): a city's receivers are reached over https only in
# production; link-local and metadata addresses never, loopback and private ones only in the networks
# listed here (a city's receiver inside a network kumokan reaches, e.g. 10.20.0.0/16).
WEBHOOK_REQUIRE_HTTPS = not DEBUG
WEBHOOK_ALLOWED_NETWORKS = env_list("KUMOKAN_WEBHOOK_ALLOWED_NETWORKS", "")
for _network in WEBHOOK_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network)
    except ValueError as _error:
        raise ImproperlyConfigured(f"KUMOKAN_WEBHOOK_ALLOWED_NETWORKS: {_error}") from _error
# The ports a receiver URL may name: https's and http's own and 8443 unless the deployment lists others
# (a port or a range, e.g. 443,9443-9450): an administrator's URL is not a scanner of a host's services.
WEBHOOK_ALLOWED_PORTS: list[tuple[int, int]] = []
for _ports in env_list("KUMOKAN_WEBHOOK_ALLOWED_PORTS", "80,443,8443"):
    _low, _dash, _high = _ports.partition("-")
    try:
        _range = (int(_low), int(_high or _low))
    except ValueError as _error:
        raise ImproperlyConfigured(f"KUMOKAN_WEBHOOK_ALLOWED_PORTS: {_ports!r} is not a port") from _error
    if not 1 <= _range[0] <= _range[1] <= 65535:
        raise ImproperlyConfigured(f"KUMOKAN_WEBHOOK_ALLOWED_PORTS: {_ports!r} is not a port")
    WEBHOOK_ALLOWED_PORTS.append(_range)
WEBHOOK_TIMEOUT_SECONDS = 10
# A failed attempt is tried again after each of these delays in turn (seconds): 1 minute to 12 hours,
# about 21 hours in all, then the delivery has failed (the administrator can redeliver it).
WEBHOOK_RETRY_DELAYS = (60, 300, 1800, 7200, 21600, 43200)
# Failed attempts in a row (over all its deliveries) after which a subscription is turned off.
WEBHOOK_DISABLE_AFTER = 20
# A certification valid for this many days or fewer (with no renewal pending) opens re-checks of the
# services approved on it (kumokan.lifecycle.lapses).
CERTIFICATION_EXPIRY_NOTICE_DAYS = int(os.environ.get("KUMOKAN_CERTIFICATION_NOTICE_DAYS", "60"))
# A ledger import's background job silent this long has stopped (its worker died) and may be run again
# (kumokan.documents.models.LedgerImport.job_stopped). The check reports every 500 rows (a few seconds);
# the commit is one transaction that reports only when it starts, and 50,000 rows (the limit) take some
# minutes on a loaded machine (BENCHMARKS.md): half an hour leaves a live one well alone.
IMPORT_JOB_STOPPED_MINUTES = int(os.environ.get("KUMOKAN_IMPORT_JOB_STOPPED_MINUTES", "30"))
if IMPORT_JOB_STOPPED_MINUTES < 1:
    raise ImproperlyConfigured("KUMOKAN_IMPORT_JOB_STOPPED_MINUTES must be 1 or more.")

# Signing in (kumokan.accounts): django-axes locks a username out after repeated wrong passwords
# (an administrator unlocks it in the admin, or it unlocks itself after the cool-off), TOTP is
# required of deciders and administrators, and sessions end after a working day.
AUTHENTICATION_BACKENDS = [
    "kumokan.accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("KUMOKAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KUMOKAN_LOGIN_LOCKOUT_MINUTES", "30")))
# Either a username or an address with that many failures in a row is refused: the username against
# guessing one password, the address against trying one password on many names. A success resets
# both, so an office behind one NAT address is not locked out by a colleague's typos.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Behind load balancers the failures count per real client: KUMOKAN_TRUSTED_PROXY_COUNT is how many
# proxies of ours append to X-Forwarded-For. 0 (the default) believes REMOTE_ADDR only, since a client
# can send any X-Forwarded-For it likes (kumokan.accounts.addresses).
TRUSTED_PROXY_COUNT = int(os.environ.get("KUMOKAN_TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("KUMOKAN_TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "kumokan.accounts.addresses.client_address"
AXES_LOCKOUT_CALLABLE = "kumokan.accounts.views.locked_out"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "kumokan"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("KUMOKAN_SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A refused form (expired page, cookies off) answers in the site's layout, in the reader's language.
CSRF_FAILURE_VIEW = "kumokan.core.views.csrf_failure"

# Single sign-on: each municipality's identity providers are set in the database (admin, or
# `manage.py sso_provider`), their client secrets in the environment or a file (README). The one
# deployment-wide provider of earlier versions matched accounts on claims and is refused outright.
# SAML 2.0: kumokan's own key and certificate (PEM files readable by kumokan only, never in the database),
# one pair for every municipality's SAML IdP; sign-in requests and logout requests are signed with it.
SAML_KEY_FILE = os.environ.get("KUMOKAN_SAML_KEY_FILE", "")
SAML_CERT_FILE = os.environ.get("KUMOKAN_SAML_CERT_FILE", "")
_old_oidc = sorted(name for name in os.environ if name.startswith("KUMOKAN_OIDC_"))
if _old_oidc:
    raise ImproperlyConfigured(
        f"{', '.join(_old_oidc)}: no longer read. Configure each municipality's identity provider with "
        "`manage.py sso_provider` instead (README, Single sign-on)."
    )
