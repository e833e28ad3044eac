"""Every 奖补 record's creation is in the audit log with who, when and why (pilotbase.workflow.creation_log): the
construction proposal, a recovery (after a revocation, and the one a grant closed as not completed opens in the
same decision) and a reward list. The row reads from no state to the state the record was created in, and its
label is stored in Chinese whoever acted in which language."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import override

from pilotbase.models import TransitionLog
from pilotbase.timeline import timeline_of
from pilotbase.workflow import CREATE
from subsidies.models import ConstructionGrant, Recovery
from subsidies.services import construction as cs_svc
from subsidies.services import recovery as rc_svc

from . import construction_world as cw
from . import recovery_world as rcw
from . import rewards_world as rww

pytestmark = pytest.mark.django_db


def _log(record) -> TransitionLog:
    return TransitionLog.objects.get(record_type=ContentType.objects.get_for_model(record), record_id=record.pk,
                                     transition=CREATE)


def _row(log: TransitionLog) -> tuple:
    return log.label, log.from_state, log.to_state, log.actor, log.comment


def test_a_construction_proposal_is_logged_with_its_basis():
    w = cw.build()
    before = timezone.now()
    with override("en"):
        grant = cw.proposed(w)
    log = _log(grant)
    assert _row(log) == ("提出建设支持建议", "", "proposed", w.staff,
                         "2026年度建议支持3,000,000.00元（在重点产业领域新建的概念验证、中试熟化平台）："
                         "新建概念验证中心，设备升级改造。")
    assert (log.subject, log.actor_name, log.from_label, log.to_label) == (w.bases["cv"], str(w.staff), "", "待审批")
    assert before <= log.at <= timezone.now()


def test_the_base_timeline_starts_with_the_proposal():
    w = cw.build()
    grant = cw.approved(w)
    rows = [(r.label, r.actor_name) for r in timeline_of(grant.base, viewer=w.staff)]
    assert rows[:2] == [("提出建设支持建议", str(w.staff)), ("批准", str(w.colleague))]


def test_a_recovery_after_a_revocation_is_logged_with_its_reason():
    w = rcw.build()
    due = timezone.localdate() + timedelta(days=60)
    recovery = rc_svc.recovery_open_for_revocation(revocation=w.revocation, actor=w.staff, due_on=due,
                                                   reason="撤销认定，追回。", amount=Decimal("100.00"),
                                                   amount_reason="按核定金额追回。")
    log = _log(recovery)
    assert _row(log)[:4] == ("开立追回", "", "open", w.staff)
    assert log.comment.startswith("应缴回100.00元，") and log.comment.endswith("前缴回：撤销认定，追回。（按核定金额追回。）")
    assert log.subject == recovery.base


def test_the_recovery_a_not_completed_close_opens_is_logged_in_the_same_decision():
    w = cw.build()
    grant = cw.disbursed(w, timezone.localdate() - timedelta(days=800))
    ConstructionGrant.objects.filter(pk=grant.pk).update(window_ends_on=timezone.localdate() - timedelta(days=1))
    grant = ConstructionGrant.objects.get(pk=grant.pk)
    grant = cs_svc.construction_close(grant=grant, actor=w.staff, completed=False, note="设备未到位。")
    recovery = Recovery.objects.get(source_id=grant.pk)
    close = TransitionLog.objects.get(transition="close_not_completed")
    log = _log(recovery)
    assert (log.label, log.actor, log.decision) == ("开立追回", w.staff, close.decision)
    assert "设备未到位。" in log.comment


def test_a_reward_list_is_logged_with_its_evaluation_year():
    w = rww.build()
    year = rww.reward_year(w)
    log = _log(year)
    assert _row(log) == ("生成运行奖补名单", "", "draft", w.staff, "依据2025年度绩效考核结果，预算1,000,000.00元")
    assert log.subject == year
