"""State table of the evaluation's guards: per state of the evaluation and its round, what the commissioned
agency, another agency, staff and the base are offered (available_transitions: source, permission, conditions)."""

from __future__ import annotations

from datetime import date

import pytest

from evaluations.services import round as round_svc
from evaluations.services import scoring as svc
from pilotbase.workflow import available_transitions
from tests import factories as f

from .round_world import world
from .scoring_world import score, scoring_round

pytestmark = pytest.mark.django_db


def _offered(ev, users):
    ev.refresh_from_db()
    return {who: [a.name for a in available_transitions(ev, user)] for who, user in users.items()}


def test_state_table_of_the_evaluation():
    w = world(certified=[date(2023, 5, 1)] * 2)
    rnd = scoring_round(w)
    first, second = rnd.evaluations.order_by("base_id")
    users = {
        "agency": w.agency,
        "other_agency": f.AgencyUserFactory(),
        "staff": w.staff,
        "base": w.base_user(first.base),
    }
    table = []
    table.append(("pending", _offered(first, users)))
    score(w, first)
    table.append(("scored, another base pending", _offered(first, users)))
    score(w, second)
    table.append(("scored, every base scored", _offered(first, users)))
    svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    table.append(("confirmed", _offered(first, users)))
    round_svc.round_advance(rnd=rnd, actor=w.staff, name="open_notice")
    table.append(("confirmed, round in 公示", _offered(first, users)))
    nobody = {"other_agency": [], "base": []}
    assert table == [
        ("pending", {"agency": ["score"], "staff": [], **nobody}),
        ("scored, another base pending", {"agency": ["score"], "staff": [], **nobody}),
        ("scored, every base scored", {"agency": ["score"], "staff": ["confirm"], **nobody}),
        ("confirmed", {"agency": [], "staff": ["reopen"], **nobody}),
        ("confirmed, round in 公示", {"agency": [], "staff": [], **nobody}),
    ]


def test_state_table_of_a_late_report():
    """The late rule's 不合格 is the system's: nobody is offered to score it; staff confirm it with the round."""
    w = world(certified=[date(2023, 5, 1)] * 2)
    rnd = scoring_round(w, late=[1])
    first, late = rnd.evaluations.order_by("base_id")
    users = {"agency": w.agency, "staff": w.staff}
    assert _offered(late, users) == {"agency": [], "staff": []}
    score(w, first)
    assert _offered(late, users) == {"agency": [], "staff": ["confirm"]}
