"""Signal receivers of reviews (imported by AppConfig.ready()): consequences of other apps' transitions.

Each receiver only calls a service; what it does is decided there.
"""

from __future__ import annotations

from django.dispatch import receiver

from applications.models import Application
from pilotbase.signals import transitioned


@receiver(transitioned, sender=Application, dispatch_uid="reviews.recommendation.application_transitioned")
def application_transitioned(sender, *, instance, name, actor=None, **kwargs) -> None:
    """The authority's review follows the application: opened on submit, reopened on resubmit, closed on withdraw."""
    from .services import recommendation as svc

    if name == "submit":
        svc.recommendation_create_for(application=instance)
    elif name == "resubmit":
        svc.recommendation_reopen_on_resubmit(application=instance, actor=actor)
    elif name == "withdraw":
        svc.recommendation_close_on_withdraw(application=instance, actor=actor)
