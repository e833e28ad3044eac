"""Thin Celery tasks of the assessment stage. The periodic sweep runs through pilotbase.reminders_sweep
(hooks.assessment registers the sweeper); this task lets the stage's reminders be run on their own."""

from celery import shared_task


@shared_task(name="reviews.assessment_reminders_send")
def assessment_reminders_send() -> int:
    from ..services.assessment import assignment_reminders_send

    return assignment_reminders_send()
