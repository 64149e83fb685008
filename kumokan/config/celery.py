"""The Celery application: `celery -A kumokan.config worker` and `celery -A kumokan.config beat`.

Settings come from Django's (the CELERY_* names in settings.py); tasks live in each app's tasks.py.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kumokan.config.settings")

app = Celery("kumokan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
