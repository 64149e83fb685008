"""The test suite's settings: the development defaults for whatever the environment leaves unset.

pytest-django loads settings before any conftest runs, so this is the one place to set them.
The production settings are tested in subprocesses (kumokan/core/tests/test_settings.py).
"""

import os

os.environ.setdefault("KUMOKAN_DEBUG", "true")

from kumokan.config.settings import *  # noqa: F403

# Hashing every test user's password with 1,000,000 PBKDF2 rounds costs seconds per test; the
# production hasher is Django's default (settings.py sets none).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# No checkpoint file unless a test gives one: the developer's var/ must not decide a test's outcome.
AUDIT_CHECKPOINT_FILE = ""

# The suite runs without Redis: each test process counts API requests in its own memory.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests make many API requests from one address within a minute; the limits' own tests set theirs.
API_RATE_PER_TOKEN = API_RATE_PER_ADDRESS = "100000/m"  # noqa: S105 (a rate, not a secret)
# Except the servers of the scale-out test (kumokan/core/tests/test_two_servers.py): one Redis for both,
# as deployed, with the rate it gives.
if os.environ.get("KUMOKAN_TEST_SHARED_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["KUMOKAN_TEST_SHARED_CACHE_URL"],
            "KEY_PREFIX": "kumokan",
        }
    }
    API_RATE_PER_TOKEN = os.environ.get("KUMOKAN_API_RATE_PER_TOKEN", API_RATE_PER_TOKEN)

# The webhook tests' receivers listen on the loopback address (the address tests set their own).
WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
# and at ports the kernel gives (the port rule's tests set the production default).
WEBHOOK_ALLOWED_PORTS = [(1, 65535)]
