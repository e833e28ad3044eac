"""整改: opened from a 整改 grade or ordered by staff (the base goes to 整改中 in the same decision), the lead unit's
report with files, the staff re-check (accepted → active again; not accepted → a failed year)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.demo import tiny_pdf
from evaluations.models import Grade, Rectification, RectificationState, Revocation, RevocationState
from evaluations.services import rectification as svc
from pilotbase.models import BaseStatus, Notification, TransitionLog
from pilotbase.workflow import WorkflowError
from tests.evaluations.consequences_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff, nanning_bureau):
    return build(
        staff=staff, bureau=nanning_bureau, histories={"整改": "BBCR", "连败": "CCFR", "良好": "BBBB"}
    )


def _open(world, key="整改", year=2025):
    result = world.bases[key].evaluation_results.get(year=year)
    return svc.rectification_open(
        result=result, actor=world.staff, requirements="完善对外服务制度，补齐中试设备台账。"
    )


def _reported(world, key="整改"):
    rec = _open(world, key)
    svc.rectification_report_save(rectification=rec, actor=world.units[key], report="已完善制度并建立台账。")
    svc.rectification_file_add(
        rectification=rec,
        actor=world.units[key],
        upload=SimpleUploadedFile("整改材料.pdf", tiny_pdf("fix"), content_type="application/pdf"),
    )
    return svc.rectification_submit(rectification=rec, actor=world.units[key])


def test_opening_from_a_grade_moves_the_base_in_one_decision(world, settings):
    settings.RECTIFICATION_DAYS = 180
    rec = _open(world)
    base = rec.base
    assert (rec.state, base.state, rec.year) == (RectificationState.OPEN, BaseStatus.RECTIFYING, 2025)
    assert rec.deadline == timezone.localdate() + timedelta(days=180)
    logs = TransitionLog.objects.filter(
        subject_id=base.pk, transition__in=["open_from_grade", "order_rectification"]
    )
    assert logs.count() == 2 and len({log.decision for log in logs}) == 1
    told = set(
        Notification.objects.filter(kind="rectification.opened").values_list("recipient_id", flat=True)
    )
    assert told == {world.units["整改"].pk, world.authority.pk}


def test_a_grade_other_than_rectify_cannot_open_one(world):
    result = world.bases["良好"].evaluation_results.get(year=2025)
    assert result.grade == Grade.GOOD
    with pytest.raises(WorkflowError, match="整改"):
        svc.rectification_open(result=result, actor=world.staff, requirements="x")
    assert Rectification.objects.count() == 0


def test_staff_order_one_with_a_reason_but_not_twice(world):
    base = world.bases["良好"]
    rec = svc.rectification_order(
        base=base,
        actor=world.staff,
        year=2025,
        reason="监督检查发现未按标准收费。",
        requirements="公开收费标准。",
    )
    assert (rec.origin, rec.reason, base.__class__.objects.get(pk=base.pk).state) == (
        "ordered",
        "监督检查发现未按标准收费。",
        BaseStatus.RECTIFYING,
    )
    with pytest.raises(WorkflowError, match="不能再下达整改"):
        svc.rectification_order(base=base, actor=world.staff, year=2025, reason="再次", requirements="再次")


def test_only_the_lead_unit_writes_the_report(world):
    rec = _open(world)
    with pytest.raises(PermissionDenied):
        svc.rectification_report_save(rectification=rec, actor=world.units["良好"], report="他人代写")
    with pytest.raises(PermissionDenied):
        svc.rectification_submit(rectification=rec, actor=world.staff)


def test_submitting_needs_the_report_text(world):
    rec = _open(world)
    with pytest.raises(WorkflowError, match="请先填写整改报告"):
        svc.rectification_submit(rectification=rec, actor=world.units["整改"])


def test_a_file_is_checked_by_its_content(world):
    rec = _open(world)
    with pytest.raises(WorkflowError, match="文件"):
        svc.rectification_file_add(
            rectification=rec,
            actor=world.units["整改"],
            upload=SimpleUploadedFile("材料.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert rec.files.count() == 0


def test_accepted_the_base_is_active_again(world):
    rec = _reported(world)
    assert rec.state == RectificationState.REPORTED and rec.files.count() == 1
    rec = svc.rectification_accept(rectification=rec, actor=world.staff, opinion="整改到位。")
    assert (rec.state, rec.base.state) == (RectificationState.ACCEPTED, BaseStatus.ACTIVE)
    assert Revocation.objects.count() == 0


def test_returned_the_unit_writes_again(world):
    rec = _reported(world)
    rec = svc.rectification_return(rectification=rec, actor=world.staff, opinion="请补充台账照片。")
    assert (rec.state, rec.base.state) == (RectificationState.OPEN, BaseStatus.RECTIFYING)
    svc.rectification_report_save(rectification=rec, actor=world.units["整改"], report="已补充。")


def test_not_accepted_counts_as_a_failed_year(world):
    """整改 after a 不合格 year, not accepted: the second consecutive fail puts the base on the list."""
    rec = _reported(world, key="连败")
    rec = svc.rectification_reject(rectification=rec, actor=world.staff, opinion="设备台账仍不完整。")
    assert (rec.state, rec.base.state) == (RectificationState.NOT_ACCEPTED, BaseStatus.ACTIVE)
    rev = Revocation.objects.get(base=rec.base)
    assert (rev.state, rev.first_year, rev.second_year) == (RevocationState.LISTED, 2024, 2025)


def test_not_accepted_after_a_pass_lists_nothing(world):
    rec = _reported(world)
    svc.rectification_reject(rectification=rec, actor=world.staff, opinion="未整改到位。")
    assert Revocation.objects.count() == 0


def test_the_rechecker_may_not_change_the_report_afterwards(world):
    rec = _reported(world)
    with pytest.raises(WorkflowError, match="不能再修改"):
        svc.rectification_report_save(rectification=rec, actor=world.units["整改"], report="改")


def test_reminders_before_on_and_after_the_deadline_once_each(world, settings):
    settings.RECTIFICATION_REMINDER_DAYS = [30, 7]
    rec = _open(world)
    unit = world.units["整改"]
    day = rec.deadline
    sent = {}
    for offset in range(-31, 3):
        today = day + timedelta(days=offset)
        sent[offset] = svc.rectification_reminders(today=today)
        assert svc.rectification_reminders(today=today) == 0  # the same day again: nothing twice
    assert {k: v for k, v in sent.items() if v} == {
        -30: 1,
        -7: 1,
        0: 1,
        1: 3,
    }  # overdue: the unit and two staff
    notes = Notification.objects.filter(kind="rectification.deadline", recipient=unit).order_by("id")
    assert [n.title for n in notes] == [
        f"“{rec.base.name}”整改期限还有30天",
        f"“{rec.base.name}”整改期限还有7天",
        f"“{rec.base.name}”今天是整改期限",
        f"“{rec.base.name}”已超过整改期限",
    ]


def test_no_reminder_once_the_report_is_in(world):
    rec = _reported(world)
    assert svc.rectification_reminders(today=rec.deadline) == 0


def test_the_portal_may_open_one_as_a_grade_is_recorded(world):
    """actor=None: the system opens it (perm_system on both transitions); the log says 系统."""
    result = world.bases["整改"].evaluation_results.get(year=2025)
    rec = svc.rectification_open(result=result, actor=None, requirements="按考核意见整改。")
    assert (rec.state, rec.opened_by, rec.base.state) == (
        RectificationState.OPEN,
        None,
        BaseStatus.RECTIFYING,
    )
    assert TransitionLog.objects.get(record_id=rec.pk, transition="open_from_grade").actor_name == "系统"


def test_an_applicant_cannot_open_one(world):
    result = world.bases["整改"].evaluation_results.get(year=2025)
    with pytest.raises(PermissionDenied):
        svc.rectification_open(result=result, actor=world.units["整改"], requirements="自行整改。")
    assert Rectification.objects.count() == 0
