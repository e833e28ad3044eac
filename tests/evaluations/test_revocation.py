"""摘牌: the portal lists a base with a second consecutive fail (with both years as evidence), staff propose, a
second staff member confirms; then the base and its certificate are revoked, the public pages say so, the plaque's
return is recorded and the funds are flagged for recovery."""

from datetime import date

import pytest
from django.urls import reverse

from evaluations.models import Revocation, RevocationReason, RevocationState
from evaluations.selectors_consequences import revocation_evidence, revocations_for_recovery
from evaluations.services import revocation as svc
from pilotbase import registry
from pilotbase.models import BaseStatus, CertificateState, Notification, TransitionLog
from pilotbase.signals import transitioned
from pilotbase.workflow import WorkflowError
from tests.evaluations.consequences_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff, nanning_bureau):
    return build(
        staff=staff,
        bureau=nanning_bureau,
        histories={"连败": "BCFF", "隔年": "FC-F", "空缺": "CF-F", "良好": "BBBB"},
    )


def _proposed(world, key="连败"):
    (rev,) = [r for r in Revocation.objects.filter(base=world.bases[key])] or [None]
    if rev is None:
        svc.revocations_detect()
        rev = Revocation.objects.get(base=world.bases[key])
    return svc.revocation_propose(revocation=rev, actor=world.staff, opinion="建议撤销认定。")


def test_the_sweeper_lists_second_consecutive_fails_once(world):
    assert svc.revocations_detect() == 2  # 连败 (2024, 2025) and 空缺 (2023, 2025: 2024 not evaluated)
    assert svc.revocations_detect() == 0
    listed = {r.base.name: (r.state, r.first_year, r.second_year) for r in Revocation.objects.all()}
    assert listed == {
        world.bases["连败"].name: (RevocationState.LISTED, 2024, 2025),
        world.bases["空缺"].name: (RevocationState.LISTED, 2023, 2025),
    }
    told = Notification.objects.filter(kind="revocation.listed").values_list("recipient_id", flat=True)
    assert set(told) == {world.staff.pk, world.second.pk}


def test_a_sweep_that_lists_nothing_reads_three_queries_whatever_the_bases(world, django_assert_num_queries):
    """Histories, rectifications and revocations of every failing base in one query each; no base is locked or
    read one by one unless a new pair is due (the listed, the alternating and the good ones here)."""
    svc.revocations_detect()
    with django_assert_num_queries(3):
        assert svc.revocations_detect() == 0


def test_the_sweeper_is_registered():
    assert svc.revocations_detect in registry.sweepers()


def test_the_evidence_is_both_years_results(world):
    svc.revocations_detect()
    rev = Revocation.objects.get(base=world.bases["连败"])
    assert [(e["year"], e["result"].get_grade_display()) for e in revocation_evidence(rev)] == [
        (2024, "不合格"),
        (2025, "不合格"),
    ]


def test_a_dismissed_pair_is_not_listed_again(world):
    svc.revocations_detect()
    rev = Revocation.objects.get(base=world.bases["连败"])
    svc.revocation_dismiss(revocation=rev, actor=world.staff, reason="2025年度结果正在复议。")
    assert svc.revocations_detect() == 0
    assert Revocation.objects.get(pk=rev.pk).state == RevocationState.DISMISSED


def test_the_proposer_may_not_confirm(world):
    rev = _proposed(world)
    with pytest.raises(WorkflowError, match="须由提请撤销以外的另一名工作人员确认"):
        svc.revocation_confirm(revocation=rev, actor=world.staff)
    assert Revocation.objects.get(pk=rev.pk).state == RevocationState.PROPOSED


def test_confirmation_revokes_base_and_certificate_in_one_decision(world, client):
    rev = _proposed(world)
    seen = []

    def receiver(sender, instance, name, **kwargs):
        seen.append((sender.__name__, name))

    transitioned.connect(receiver)
    try:
        rev = svc.revocation_confirm(
            revocation=rev,
            actor=world.second,
            revoked_on=date(2026, 11, 30),
            plaque_returned_on=date(2026, 12, 1),
        )
    finally:
        transitioned.disconnect(receiver)
    base = rev.base
    base.refresh_from_db(fields=["plaque_returned_on"])
    certificate = base.certificate.__class__.objects.get(base=base)
    assert (rev.state, rev.confirmed_by, rev.recovery_flagged) == (
        RevocationState.REVOKED,
        world.second,
        True,
    )
    assert base.__class__.objects.get(pk=base.pk).state == BaseStatus.REVOKED
    assert base.plaque_returned_on == date(2026, 12, 1)
    assert (certificate.state, certificate.revoked_on) == (CertificateState.REVOKED, date(2026, 11, 30))
    assert certificate.revoked_reason == "2024年度、2025年度连续两年考核不合格（《实施方案》六.三）。"
    assert ("Revocation", "confirm") in seen  # what the subsidies stage receives
    assert list(revocations_for_recovery()) == [rev]
    decisions = set(
        TransitionLog.objects.filter(
            subject_id=base.pk, transition__in=["confirm", "revoke", "record_plaque_return"]
        ).values_list("decision", flat=True)
    )
    assert len(decisions) == 1
    told = set(
        Notification.objects.filter(kind="revocation.confirmed").values_list("recipient_id", flat=True)
    )
    assert told == {world.units["连败"].pk, world.authority.pk, world.staff.pk, world.second.pk}

    html = client.get(reverse("public:verify", args=[certificate.token])).content.decode()
    assert "已撤销" in html and "2026年11月30日" in html and "连续两年考核不合格" in html
    public = client.get(reverse("public:base_list")).content.decode()
    assert base.name not in public and world.bases["良好"].name in public


def test_other_reasons_are_their_own_transition(world):
    rev = svc.revocation_propose_other(
        base=world.bases["良好"],
        actor=world.staff,
        reason_kind=RevocationReason.BASE_REQUEST,
        reason="基地来函申请撤销。",
    )
    assert (rev.state, rev.reason_kind, rev.first_year) == (RevocationState.PROPOSED, "base_request", None)
    log = TransitionLog.objects.get(record_id=rev.pk, transition="propose_other")
    assert log.comment == "基地来函申请撤销。"
    with pytest.raises(WorkflowError, match="待处理的撤销认定"):
        svc.revocation_propose_other(
            base=world.bases["良好"],
            actor=world.second,
            reason_kind=RevocationReason.FRAUD,
            reason="弄虚作假。",
        )
    rev = svc.revocation_confirm(revocation=rev, actor=world.second)
    assert rev.base.state == BaseStatus.REVOKED


def test_other_reasons_cannot_claim_consecutive_fails(world):
    with pytest.raises(WorkflowError, match="请选择撤销事由"):
        svc.revocation_propose_other(
            base=world.bases["良好"],
            actor=world.staff,
            reason_kind=RevocationReason.CONSECUTIVE_FAIL,
            reason="x",
        )


def test_a_revoked_base_is_not_listed_again(world):
    rev = _proposed(world)
    svc.revocation_confirm(revocation=rev, actor=world.second)
    assert svc.revocations_detect() == 0


def test_plaque_return_later(world):
    rev = svc.revocation_confirm(revocation=_proposed(world), actor=world.second)
    base = svc.base_plaque_return(
        base=rev.base, actor=world.staff, returned_on=date(2026, 12, 5), note="已交回"
    )
    assert (base.plaque_returned_on, base.plaque_return_note) == (date(2026, 12, 5), "已交回")


def test_a_published_round_runs_the_detection_after_commit(world, django_capture_on_commit_callbacks):
    """The receiver of `transitioned` (EvaluationRound.publish) lists the bases the new results made fail twice."""
    from evaluations.models import EvaluationRound

    with django_capture_on_commit_callbacks(execute=True):
        transitioned.send(
            sender=EvaluationRound,
            instance=None,
            name="publish",
            from_state="notice",
            to_state="published",
            actor=world.staff,
            comment="",
        )
    assert Revocation.objects.filter(state=RevocationState.LISTED).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        transitioned.send(
            sender=EvaluationRound,
            instance=None,
            name="close",
            from_state="published",
            to_state="closed",
            actor=world.staff,
            comment="",
        )
    assert Revocation.objects.count() == 2
