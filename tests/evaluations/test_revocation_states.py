"""State tables of the 整改 and 摘牌 guards: in each state, which transitions each person is offered."""

import pytest

from evaluations.models import Revocation
from evaluations.services import rectification as rect
from evaluations.services import revocation as svc
from pilotbase.workflow import available_transitions
from tests.evaluations.consequences_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff, nanning_bureau):
    return build(staff=staff, bureau=nanning_bureau, histories={"连败": "BCFF", "整改": "BBCR"})


def _offered(record, user) -> set[str]:
    return {a.name for a in available_transitions(record, user)}  # the door knows who looks: no acting() here


def _revocation(world, state):
    svc.revocations_detect()
    rev = Revocation.objects.get(base=world.bases["连败"])
    if state in ("proposed", "revoked"):
        rev = svc.revocation_propose(revocation=rev, actor=world.staff, opinion="建议撤销。")
    if state == "revoked":
        rev = svc.revocation_confirm(revocation=rev, actor=world.second)
    if state == "dismissed":
        rev = svc.revocation_dismiss(revocation=rev, actor=world.staff, reason="复议中。")
    return Revocation.objects.get(pk=rev.pk)


@pytest.mark.parametrize(
    ("state", "proposer", "second", "unit"),
    [
        ("listed", {"propose", "dismiss"}, {"propose", "dismiss"}, set()),
        ("proposed", {"dismiss"}, {"confirm", "dismiss"}, set()),
        ("revoked", set(), set(), set()),
        ("dismissed", set(), set(), set()),
    ],
)
def test_revocation_states(world, state, proposer, second, unit):
    rev = _revocation(world, state)
    assert rev.state == state
    assert (_offered(rev, world.staff), _offered(rev, world.second), _offered(rev, world.units["连败"])) == (
        proposer,
        second,
        unit,
    )


def _rectification(world, state):
    rec = rect.rectification_open(
        result=world.bases["整改"].evaluation_results.get(year=2025), actor=world.staff, requirements="整改。"
    )
    if state in ("open+report", "reported", "accepted", "not_accepted"):
        rect.rectification_report_save(rectification=rec, actor=world.units["整改"], report="已整改。")
        rec.refresh_from_db(fields=["report"])
    if state in ("reported", "accepted", "not_accepted"):
        rec = rect.rectification_submit(rectification=rec, actor=world.units["整改"])
    if state == "accepted":
        rec = rect.rectification_accept(rectification=rec, actor=world.staff, opinion="通过。")
    if state == "not_accepted":
        rec = rect.rectification_reject(rectification=rec, actor=world.staff, opinion="不通过。")
    return rec.__class__.objects.get(pk=rec.pk)


@pytest.mark.parametrize(
    ("state", "by_staff", "lead"),
    [
        ("open", set(), set()),  # the report is not written yet: 提交整改报告 waits (its condition)
        ("open+report", set(), {"submit_report"}),
        ("reported", {"return_report", "accept", "reject"}, set()),
        ("accepted", set(), set()),
        ("not_accepted", set(), set()),
    ],
)
def test_rectification_states(world, state, by_staff, lead):
    rec = _rectification(world, state)
    assert rec.state == state.split("+")[0]
    assert (
        _offered(rec, world.staff),
        _offered(rec, world.units["整改"]),
        _offered(rec, world.units["连败"]),
    ) == (by_staff, lead, set())
