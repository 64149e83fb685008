"""kumokan's Django project; the Celery app is loaded with it so that tasks bind to it."""

from kumokan.config.celery import app as celery_app

__all__ = ["celery_app"]
