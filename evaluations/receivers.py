"""Signal receivers of evaluations: each only calls a service.

- The round enters 评价打分 (`EvaluationRound.start_scoring`): one evaluation per settled report.
- The round is published (`EvaluationRound.publish`): the confirmed grades become the bases' results for the
  year, inside the publication's transaction; the consecutive-fail detection runs after commit and so reads them.
"""

from django.db import transaction

from pilotbase.signals import transitioned

from .models import EvaluationRound


def _round_moved(sender, *, instance, name: str, **kwargs) -> None:
    if not isinstance(instance, EvaluationRound):
        return
    from .services import scoring

    if name == "start_scoring":
        scoring.evaluations_create(rnd=instance)
    elif name == "publish":
        scoring.round_results_write(rnd=instance)


transitioned.connect(_round_moved, sender=EvaluationRound, dispatch_uid="evaluations.receivers.round")


def _round_published(sender, *, name: str, **kwargs) -> None:
    """A published round has written the year's results: list the bases it made fail twice in a row, after
    commit (the detection is the portal's own decision, not part of the publication)."""
    if name == "publish":
        from .services.revocation import revocations_detect

        transaction.on_commit(revocations_detect)


transitioned.connect(_round_published, sender=EvaluationRound, dispatch_uid="evaluations.consequences.round")
