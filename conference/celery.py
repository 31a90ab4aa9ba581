"""The Celery app: a real worker on Redis when REDIS_URL is set, eager otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")

app = Celery("motionhall")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
