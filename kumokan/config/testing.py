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
