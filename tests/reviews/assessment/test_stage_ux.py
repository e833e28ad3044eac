"""Audit fixes of the assessment pages: typed input survives a refusal, scoring waits for the agency's
start, the conclusion form offers only what is possible, agency staff never sit on their own panel."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from pilotbase.workflow import WorkflowError
from reviews.models import AssessmentState, AssignmentState, PanelDraw
from reviews.services import assessment as svc
from tests import factories as f

from .conftest import score_and_submit


def accept(seat):
    return svc.assignment_accept(assignment=seat, actor=seat.expert.user, no_conflict=True, declaration="无利益关系")


def site_visit_saved(assessment, agency_user):
    return svc.site_visit_save(assessment=assessment, actor=agency_user, visit_date=timezone.localdate(),
                               team="核查组", items={}, findings="", conclusion="consistent")


def conclusion_section(html: str) -> str:
    return html[html.index('id="conclusion-title"'):]


# ---- item 1: the agency's conclusion keeps what was typed ----------------------------------------
def test_refused_conclusion_keeps_the_typed_opinion(client, scored, agency_user):
    client.force_login(agency_user)
    url = reverse("reviews:assess_detail", args=[scored.pk])
    opinion = "专家组认为基地条件较好，建议通过。"
    response = client.post(url, {"action": "conclude", "passed": "1", "consensus_opinion": opinion})
    html = response.content.decode()
    assert response.status_code == 200
    assert "现场核查完成后才能作出通过结论。" in html
    assert opinion in html  # the textarea is filled again
    scored.refresh_from_db()
    assert scored.state == AssessmentState.SITE_VISIT


def test_refused_site_visit_keeps_the_typed_record(client, scored, agency_user):
    svc.site_visit_complete(visit=site_visit_saved(scored, agency_user), actor=agency_user)
    client.force_login(agency_user)
    response = client.post(reverse("reviews:assess_detail", args=[scored.pk]),  # as from a stale page
                           {"action": "site_visit", "visit_date": "2026-01-05", "team": "新核查组",
                            "findings": "补充发现", "conclusion": "consistent"})
    assert "现场核查已完成，不能再修改。" in response.content.decode()
    form = response.context["site_form"]
    assert form.is_bound and form["team"].value() == "新核查组"


def test_conclusion_form_offers_only_a_fail_until_the_visit_is_complete(client, scored, agency_user):
    client.force_login(agency_user)
    url = reverse("reviews:assess_detail", args=[scored.pk])
    section = conclusion_section(client.get(url).content.decode())
    assert 'id="pass-blocked"' in section and "完成现场核查" in section
    assert 'value="1"' not in section and "建议不通过" in section
    svc.site_visit_complete(visit=site_visit_saved(scored, agency_user), actor=agency_user)
    section = conclusion_section(client.get(url).content.decode())
    assert 'id="pass-blocked"' not in section
    assert re.search(r'name="passed"[^>]*value="1"|value="1"[^>]*name="passed"', section)


def test_upload_hint_until_the_visit_record_is_saved(client, scored, agency_user):
    client.force_login(agency_user)
    url = reverse("reviews:assess_detail", args=[scored.pk])
    html = client.get(url).content.decode()
    assert "保存核查记录后可上传照片及文件。" in html and 'value="site_file"' not in html
    site_visit_saved(scored, agency_user)
    html = client.get(url).content.decode()
    assert "保存核查记录后可上传照片及文件。" not in html and 'value="site_file"' in html


# ---- item 2: accept while the panel forms, score once scoring started ----------------------------
def test_experts_accept_during_panel_but_score_only_in_scoring(drawn, agency_user):
    seat = accept(drawn.assignments.select_related("expert__user").first())
    assert seat.state == AssignmentState.ACCEPTED
    with pytest.raises(WorkflowError) as exc:
        score_and_submit(seat)
    assert str(exc.value) == "专家组组建完成、受托机构开始专家评审后才能评分。"
    svc.assessment_start_scoring(assessment=drawn, actor=agency_user)
    seat.refresh_from_db()
    assert score_and_submit(seat).state == AssignmentState.SUBMITTED


def test_seat_page_explains_scoring_waits_for_the_panel(client, drawn, expert_user, agency_user):
    seat = accept(drawn.assignments.get(expert__user=expert_user))
    client.force_login(expert_user)
    url = reverse("reviews:assess_assignment", args=[seat.pk])
    html = client.get(url).content.decode()
    assert "专家组组建完成后即可评分" in html and 'value="submit"' not in html
    svc.assessment_start_scoring(assessment=drawn, actor=agency_user)
    html = client.get(url).content.decode()
    assert "专家组组建完成后即可评分" not in html
    assert 'data-confirm="提交后不能再修改评分，确定提交吗？"' in html  # item 8


# ---- item 9: the commissioned agency's own staff are excluded -------------------------------------
def test_draw_excludes_experts_of_the_commissioned_agency(assessment, agency_user, pool):
    insider = f.ExpertProfileFactory(kind="financial", user__organization=agency_user.organization)
    for _ in range(3):
        draw = svc.panel_draw(assessment=assessment, actor=agency_user)
        assert insider.pk not in draw.drawn
        assert {"expert": insider.pk, "reason": "受托评估机构人员，须回避"} in draw.exclusions
        assessment.assignments.all().delete()
        PanelDraw.objects.filter(pk=draw.pk).delete()


# ---- item 10: a commission without seats ---------------------------------------------------------
def test_commission_list_says_no_experts_drawn_yet(client, assessment, agency_user):
    client.force_login(agency_user)
    html = client.get(reverse("reviews:assess_commissions")).content.decode()
    assert "未抽取专家" in html and "0 / 0" not in html


def test_refused_upload_keeps_the_caption(client, scored, agency_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    site_visit_saved(scored, agency_user)
    client.force_login(agency_user)
    fake = SimpleUploadedFile("现场.png", b"not an image at all", content_type="image/png")
    response = client.post(reverse("reviews:assess_detail", args=[scored.pk]),
                           {"action": "site_file", "file": fake, "caption": "中试车间全景"})
    assert response.status_code == 200
    assert response.context["file_form"]["caption"].value() == "中试车间全景"
    assert not scored.site_visit.files.exists()
