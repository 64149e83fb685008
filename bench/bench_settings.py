"""Settings for the benchmarks: the development defaults, measured as deployed (DEBUG off).

DEBUG on would keep every SQL statement in memory and render templates with debug information, which
a deployment does not; the static files are still served from the source folders (no collectstatic).
"""

import os

os.environ.setdefault("KUMOKAN_DEBUG", "true")

from kumokan.config.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
