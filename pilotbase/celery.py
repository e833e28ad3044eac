"""The Celery app. With REDIS_URL unset, tasks run inline (see settings.CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbase.settings")

app = Celery("pilotbase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
