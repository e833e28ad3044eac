"""Celery tasks of reviews, one module per stage (imported here so the worker registers them)."""

from . import assessment, certification  # noqa: F401
