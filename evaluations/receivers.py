"""Signal receivers of evaluations: each only calls a service.

- The round enters 评价打分 (`EvaluationRound.start_scoring`): one evaluation per settled report.
- The round is published (`EvaluationRound.publish`): the confirmed grades become the bases' results for the
  year, inside the publication's transaction (the consecutive-fail detection, `hooks/consequences.py`, runs after
  commit and so reads them).
"""

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
