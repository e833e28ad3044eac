"""Pages of the assessment stage: who sees what (404 / 403), the flows through forms, query counts."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.models import Attachment
from reviews.models import (
    AssessmentState,
    AssignmentState,
    Commission,
    ExpertAssignment,
    PanelDraw,
    SiteVisitFile,
)
from reviews.services import assessment as svc
from tests import factories as f

from .conftest import score_and_submit

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def my_seat(drawn, expert_user):
    return drawn.assignments.get(expert__user=expert_user)


@pytest.fixture
def site_file(scored, agency_user):
    visit = svc.site_visit_save(assessment=scored, actor=agency_user, visit_date=timezone.localdate(), team="核查组",
                                items={}, findings="", conclusion="consistent")
    return svc.site_visit_file_add(visit=visit, actor=agency_user, upload=SimpleUploadedFile("现场.png", PNG))


def _outsiders(personas):
    return {
        "unassigned_expert": f.ExpertProfileFactory().user,
        "other_agency": f.AgencyUserFactory(),
        "authority": personas["authority"],
        "applicant": personas["applicant"],
    }


@pytest.mark.parametrize("who", ["unassigned_expert", "other_agency", "authority", "applicant"])
def test_outsiders_get_404_for_assignment_assessment_and_site_file(client, personas, site_file, who):
    assessment = site_file.site_visit.assessment
    seat = assessment.assignments.first()
    client.force_login(_outsiders(personas)[who])
    urls = [reverse("reviews:assess_assignment", args=[seat.pk]), reverse("reviews:assess_detail", args=[assessment.pk]),
            reverse("reviews:assess_site_file", args=[site_file.pk])]
    attachment = Attachment.objects.create(
        application=assessment.application, requirement=assessment.application.call.required_attachments.first(),
        file=ContentFile(PDF, name="a.pdf"), original_name="可研.pdf", size=len(PDF), content_type="application/pdf",
        sha256="0" * 64, uploaded_by=personas["applicant"])
    urls.append(reverse("reviews:assess_attachment", args=[seat.pk, attachment.pk]))
    assert [client.get(u).status_code for u in urls] == [404, 404, 404, 404]


def test_assigned_expert_sees_own_seat_but_not_the_assessment_page(client, my_seat, expert_user):
    client.force_login(expert_user)
    assert client.get(reverse("reviews:assess_assignment", args=[my_seat.pk])).status_code == 200
    assert client.get(reverse("reviews:assess_detail", args=[my_seat.assessment_id])).status_code == 404


def test_agency_and_department_see_the_assessment_page_and_file(client, site_file, agency_user, department_user):
    for user in (agency_user, department_user):
        client.force_login(user)
        page = client.get(reverse("reviews:assess_detail", args=[site_file.site_visit.assessment_id]))
        assert page.status_code == 200
        assert "去掉一个最高分和一个最低分" in page.content.decode()
        response = client.get(reverse("reviews:assess_site_file", args=[site_file.pk]))
        assert (response.status_code, response["Content-Type"]) == (200, "image/png")


def test_department_may_view_but_not_act_on_an_assessment(client, assessment, department_user):
    client.force_login(department_user)
    response = client.post(reverse("reviews:assess_detail", args=[assessment.pk]), {"action": "draw"})
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["assess_commission_create", "assess_ranked", "assess_ranked_export"])
def test_department_pages_forbidden_to_other_roles(client, personas, name):
    for who in ("agency", "expert", "applicant", "authority"):
        client.force_login(personas[who])
        assert client.get(reverse(f"reviews:{name}")).status_code == 404


def test_expert_pool_for_agency_filters_by_kind(client, agency_user, pool):
    client.force_login(agency_user)
    page = client.get(reverse("reviews:assess_experts"), {"kind": "financial"})
    assert page.status_code == 200
    assert [e.kind for e in page.context["page"]] == ["financial", "financial"]
    client.force_login(pool[0].user)
    assert client.get(reverse("reviews:assess_experts")).status_code == 404


# ---- flows through the pages ------------------------------------------------------------------
def test_department_commissions_through_the_form(client, application, agency_user, department_user):
    client.force_login(department_user)
    url = reverse("reviews:assess_commission_create")
    assert client.get(url, {"call": application.call_id}).status_code == 200
    response = client.post(url, {"call": application.call_id, "title": "委托评估", "agency": agency_user.organization_id,
                                 "applications": [application.pk], "due_on": timezone.localdate() + timedelta(days=9),
                                 "note": ""})
    assert response.status_code == 302
    assert Commission.objects.get().assessments.get().application == application


def test_agency_draws_and_sees_the_audit_record(client, assessment, agency_user, pool):
    client.force_login(agency_user)
    url = reverse("reviews:assess_detail", args=[assessment.pk])
    assert client.post(url, {"action": "draw"}).status_code == 302
    draw = PanelDraw.objects.get()
    page = client.get(url).content.decode()
    assert draw.seed in page
    assert page.count('class="seat-row"') == 5


def test_expert_accepts_then_scoring_above_max_is_refused_in_chinese(client, my_seat, expert_user, agency_user):
    svc.assessment_start_scoring(assessment=my_seat.assessment, actor=agency_user)
    client.force_login(expert_user)
    url = reverse("reviews:assess_assignment", args=[my_seat.pk])
    response = client.post(url, {"action": "accept", "declaration": "无利益关系"})
    assert "接受邀请前须勾选无利益冲突承诺。" in response.content.decode()
    client.post(url, {"action": "accept", "no_conflict": "on", "declaration": "无利益关系"})
    my_seat.refresh_from_db()
    assert my_seat.state == AssignmentState.ACCEPTED
    indicators = list(my_seat.assessment.application.call.indicators.order_by("order"))
    data = {"action": "submit", "opinion": "同意", "veto_reason": ""}
    for ind in indicators:
        data[f"veto_{ind.pk}" if ind.is_veto else f"score_{ind.pk}"] = "0" if ind.is_veto else str(ind.max_score)
    data[f"score_{indicators[0].pk}"] = "31"
    response = client.post(url, data)
    assert "得分不能超过满分 30.00 分。" in response.content.decode()
    data[f"score_{indicators[0].pk}"] = "28.5"
    assert client.post(url, data).status_code == 302
    my_seat.refresh_from_db()
    assert (my_seat.state, my_seat.total) == (AssignmentState.SUBMITTED, Decimal("98.50"))


def test_expert_downloads_attachments_only_after_accepting(client, my_seat, expert_user, applicant, agency_user):
    app = my_seat.assessment.application
    attachment = Attachment.objects.create(
        application=app, requirement=app.call.required_attachments.first(), file=ContentFile(PDF, name="a.pdf"),
        original_name="可研.pdf", size=len(PDF), content_type="application/pdf", sha256="0" * 64, uploaded_by=applicant)
    client.force_login(expert_user)
    url = reverse("reviews:assess_attachment", args=[my_seat.pk, attachment.pk])
    assert client.get(url).status_code == 403
    svc.assignment_accept(assignment=my_seat, actor=expert_user, no_conflict=True, declaration="无")
    response = client.get(url)
    assert (response.status_code, b"".join(response.streaming_content)) == (200, PDF)


@pytest.mark.parametrize("blind", [True, False])
def test_peer_scores_follow_blind_scoring(client, drawn, agency_user, expert_user, blind):
    type(drawn.application.call).objects.filter(pk=drawn.application.call_id).update(blind_scoring=blind)
    svc.assessment_start_scoring(assessment=drawn, actor=agency_user)
    seats = list(drawn.assignments.select_related("expert__user"))
    for seat in seats:
        seat = svc.assignment_accept(assignment=seat, actor=seat.expert.user, no_conflict=True, declaration="无")
        score_and_submit(seat)
    mine = next(s for s in seats if s.expert.user == expert_user)
    client.force_login(expert_user)
    page = client.get(reverse("reviews:assess_assignment", args=[mine.pk]))
    assert len(page.context["peers"]) == (0 if blind else 4)
    assert ('id="blind-note"' in page.content.decode()) is blind


def test_seat_page_reads_the_seat_and_its_units_in_fixed_queries(client, drawn, agency_user, expert_user,
                                                                 django_assert_num_queries):
    """The seat with its assessment, application, call and commission in one query (the scope included), the
    applicant's and the agency's names in one more (with_units): 10 queries with the sheet and the peers' totals."""
    type(drawn.application.call).objects.filter(pk=drawn.application.call_id).update(blind_scoring=False)
    svc.assessment_start_scoring(assessment=drawn, actor=agency_user)
    for seat in drawn.assignments.select_related("expert__user"):
        score_and_submit(svc.assignment_accept(assignment=seat, actor=seat.expert.user, no_conflict=True,
                                               declaration="无"))
    mine = drawn.assignments.get(expert__user=expert_user)
    client.force_login(expert_user)
    url = reverse("reviews:assess_assignment", args=[mine.pk])
    client.get(url)
    with django_assert_num_queries(9):
        html = client.get(url).content.decode()
    applicant, agency = drawn.application.applicant.name, drawn.commission.agency.name
    assert f'id="applicant-name">{applicant}</dd>' in html
    assert f"组织单位：{agency}</p>" in html
    assert html.count('class="score-row"') == drawn.application.call.indicators.count()


def test_site_visit_upload_checks_content_not_name(client, scored, agency_user):
    client.force_login(agency_user)
    url = reverse("reviews:assess_detail", args=[scored.pk])
    client.post(url, {"action": "site_visit", "visit_date": timezone.localdate().isoformat(), "team": "组",
                      "site_ok": "on", "findings": "", "conclusion": "consistent"})
    fake = SimpleUploadedFile("photo.png", b"MZ not an image at all" * 10)
    page = client.post(url, {"action": "site_file", "file": fake, "caption": ""}, follow=True).content.decode()
    assert "文件“photo.png”是可执行程序或脚本（Windows PE），不能作为附件上传。" in page
    client.post(url, {"action": "site_file", "file": SimpleUploadedFile("scan.bin", PDF), "caption": "台账"})
    assert list(SiteVisitFile.objects.values_list("content_type", flat=True)) == ["application/pdf"]


def test_completed_site_visit_shows_item_labels_in_checklist_order(client, scored, agency_user, department_user):
    visit = svc.site_visit_save(assessment=scored, actor=agency_user, visit_date=timezone.localdate(), team="核查组",
                                items={"safety": {"ok": False, "note": "危化品库缺少台账"},
                                       "site": {"ok": True, "note": ""}},
                                findings="", conclusion="concerns")
    svc.site_visit_complete(visit=visit, actor=agency_user)
    client.force_login(department_user)
    html = client.get(reverse("reviews:assess_detail", args=[scored.pk])).content.decode()
    site, safety = html.find("场地与配套设施"), html.find("安全与环保设施及制度")
    assert 0 < site < safety
    assert "危化品库缺少台账" in html and "不符合" in html
    assert ">safety<" not in html and "safety：" not in html


def test_ranked_list_and_excel_export(client, scored, agency_user, department_user):
    visit = svc.site_visit_save(assessment=scored, actor=agency_user, visit_date=timezone.localdate(), team="组",
                                items={}, findings="", conclusion="consistent")
    svc.site_visit_complete(visit=visit, actor=agency_user)
    svc.assessment_conclude(assessment=scored, actor=agency_user, consensus_opinion="通过", passed=True)
    client.force_login(department_user)
    page = client.get(reverse("reviews:assess_ranked"), {"call": scored.application.call_id})
    assert [a.total_score for a in page.context["rows"]] == [Decimal("80.00")]
    response = client.get(reverse("reviews:assess_ranked_export"), {"call": scored.application.call_id})
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in ws[2]][4:7] == ["评估通过", 80.0, "否"]


# ---- query counts ----------------------------------------------------------------------------
def _assessments(n, make_application, agency_org, department_user):
    apps = [make_application() for _ in range(n)]
    commission = svc.commission_create(call=apps[0].call, agency=agency_org, applications=apps, title="委托",
                                       due_on=timezone.localdate() + timedelta(days=5), actor=department_user)
    return list(commission.assessments.all())


def _seat(assessment, expert, agency_user):
    """An invited seat (the state a draw leaves it in)."""
    draw = PanelDraw.objects.create(assessment=assessment, seed="s", drawn=[expert.pk], drawn_by=agency_user)
    return ExpertAssignment.objects.create(assessment=assessment, expert=expert, draw=draw,
                                           due_on=timezone.localdate() + timedelta(days=3))


def _all_sheets_in(assessment, agency_user):
    """Drawn, scoring started, every seat accepted and its sheet submitted (80 %), through the services."""
    svc.panel_draw(assessment=assessment, actor=agency_user, seed="fixed-seed", size=3)
    svc.assessment_start_scoring(assessment=assessment, actor=agency_user)
    for seat in assessment.assignments.select_related("expert__user"):
        score_and_submit(svc.assignment_accept(assignment=seat, actor=seat.expert.user, no_conflict=True,
                                               declaration="无利益关系"))


@pytest.mark.parametrize("n", [1, 3])
def test_expert_list_query_count(client, django_assert_num_queries, make_application, agency_user,
                                 department_user, expert_user, n):
    for a in _assessments(n, make_application, agency_user.organization, department_user):
        _seat(a, expert_user.expert_profile, agency_user)
    client.force_login(expert_user)
    with django_assert_num_queries(5):  # the units' names of the page's rows in one query (with_units)
        page = client.get(reverse("reviews:assess_my"))
    assert page.content.decode().count('class="seat-row"') == n


@pytest.mark.parametrize("n", [1, 3])
def test_agency_list_query_count(client, django_assert_num_queries, make_application, agency_user,
                                 department_user, n):
    for _ in range(n):
        _assessments(1, make_application, agency_user.organization, department_user)
    client.force_login(agency_user)
    with django_assert_num_queries(7):
        page = client.get(reverse("reviews:assess_commissions"))
    assert page.content.decode().count('class="assessment-row"') == n


@pytest.mark.parametrize("n", [2, 8])
def test_commission_list_shows_the_first_assessments_of_a_large_commission(
        client, django_assert_num_queries, make_application, agency_user, department_user, n):
    """Each commission shows its first assessments (COMMISSION_PREVIEW) and a link to all of them: the queries and
    the rows do not grow with the commission (hundreds of applications at national scale)."""
    from reviews.selectors.assessment import COMMISSION_PREVIEW

    other = _assessments(3, make_application, agency_user.organization, department_user)
    big = _assessments(n, make_application, agency_user.organization, department_user)
    client.force_login(agency_user)
    with django_assert_num_queries(7):
        html = client.get(reverse("reviews:assess_commissions")).content.decode()
    assert html.count('class="assessment-row"') == min(3, COMMISSION_PREVIEW) + min(n, COMMISSION_PREVIEW)
    commission = big[0].commission
    assert (f"?commission={commission.pk}" in html) == (n > COMMISSION_PREVIEW)
    assert (f"查看本委托全部 {n} 个评估项目" in html) == (n > COMMISSION_PREVIEW)
    assert f"?commission={other[0].commission_id}" not in html


@pytest.mark.parametrize("n", [3, 25])
def test_one_commission_lists_its_assessments_by_page(client, django_assert_num_queries, make_application,
                                                      agency_user, department_user, n):
    assessments = _assessments(n, make_application, agency_user.organization, department_user)
    _assessments(2, make_application, agency_user.organization, department_user)
    _seat(assessments[0], f.ExpertProfileFactory(), agency_user)
    commission = assessments[0].commission
    client.force_login(agency_user)
    url = reverse("reviews:assess_commissions")
    with django_assert_num_queries(6):
        html = client.get(url, {"commission": commission.pk}).content.decode()
    assert html.count('class="assessment-row"') == min(n, 20)
    assert f"共 {n} 个评估项目" in html and "0 / 1" in html
    if n > 20:
        assert f"?commission={commission.pk}&page=2" in html
        html = client.get(url, {"commission": commission.pk, "page": 2}).content.decode()
        assert html.count('class="assessment-row"') == n - 20


def test_a_commission_of_another_agency_is_not_found(client, make_application, agency_user, department_user):
    theirs = _assessments(1, make_application, f.AgencyFactory(), department_user)
    client.force_login(agency_user)
    response = client.get(reverse("reviews:assess_commissions"), {"commission": theirs[0].commission_id})
    assert response.status_code == 404


@pytest.mark.parametrize("n", [1, 3])
def test_ranked_list_query_count(client, django_assert_num_queries, make_application, agency_user,
                                 department_user, pool, n):
    for a in _assessments(n, make_application, agency_user.organization, department_user):
        _all_sheets_in(a, agency_user)
    client.force_login(department_user)
    call_id = a.application.call_id
    with django_assert_num_queries(8):
        page = client.get(reverse("reviews:assess_ranked"), {"call": call_id})
    assert page.content.decode().count('class="ranked-row"') == n



def test_dashboards_show_the_stage_panels(client, drawn, agency_user, expert_user, department_user):
    expected = {agency_user: "待组建专家组", expert_user: "评审邀请", department_user: "评估论证进度与排名"}
    for user, title in expected.items():
        client.force_login(user)
        page = client.get(reverse("dashboard"))
        assert page.status_code == 200
        assert title in [p.title for p in page.context["panels"]]
    client.force_login(expert_user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "剩 10 天" in page


@pytest.mark.parametrize(("who", "sees_experts"), [
    ("applicant", False), ("authority", False), ("department", True), ("agency", True)])
def test_who_assessed_an_application_stays_off_the_applicants_timeline(client, scored, personas, who, sees_experts):
    """Experts' names and their accept/score rows are on the department's and agency's timeline only."""
    seat = scored.assignments.select_related("expert__user").first()
    name = seat.expert.user.get_full_name() or str(seat.expert.user)
    url = (reverse("reviews:assess_detail", args=[scored.pk]) if who in {"department", "agency"}
           else reverse("applications:detail", args=[scored.application_id]))
    client.force_login(personas[who])
    page = client.get(url)
    assert page.status_code == 200
    timeline = page.content.decode().split('id="timeline"')[1]
    assert (name in timeline) is sees_experts
    assert ("无利益关系" in timeline) is sees_experts
    assert "专家组组建完成，开始评审" in timeline  # the stage itself is on everybody's timeline


# ---- the actions boxes: the assessment's and the site visit's transitions through run_action ---------------
def test_agency_starts_scoring_from_the_actions_box(client, drawn, agency_user):
    client.force_login(agency_user)
    url = reverse("reviews:assess_detail", args=[drawn.pk])
    html = client.get(url).content.decode()
    assert 'name="transition" value="start_scoring"' in html and "开始专家评审" in html
    response = client.post(url, {"transition": "start_scoring", "expected_state": "panel"}, follow=True)
    assert "已开始专家评审。" in response.content.decode()
    drawn.refresh_from_db()
    assert drawn.state == "scoring"


def test_site_visit_button_is_disabled_with_the_reason_until_every_sheet_is_in(client, scoring, agency_user):
    client.force_login(agency_user)
    url = reverse("reviews:assess_detail", args=[scoring.pk])
    html = client.get(url).content.decode()
    assert 'id="start_site_visit-action" disabled aria-describedby="start_site_visit-hint"' in html
    assert "仍有专家未提交评分，不能进入现场核查。" in html
    response = client.post(url, {"transition": "start_site_visit", "expected_state": "scoring"}, follow=True)
    assert "仍有专家未提交评分" in response.content.decode()  # the server refuses all the same
    scoring.refresh_from_db()
    assert scoring.state == "scoring"


def test_department_may_not_run_the_agencys_transitions(client, drawn, department_user):
    client.force_login(department_user)
    url = reverse("reviews:assess_detail", args=[drawn.pk])
    assert 'name="transition"' not in client.get(url).content.decode()
    assert client.post(url, {"transition": "start_scoring", "expected_state": "panel"}).status_code == 403
    assert client.post(url, {"transition": "complete", "expected_state": "planned"}).status_code == 404  # no visit yet


def test_agency_completes_the_site_visit_from_its_box(client, scored, agency_user):
    svc.site_visit_save(assessment=scored, actor=agency_user, visit_date=timezone.localdate(), team="核查组",
                        items={}, findings="", conclusion="consistent")
    client.force_login(agency_user)
    url = reverse("reviews:assess_detail", args=[scored.pk])
    html = client.get(url).content.decode()
    assert 'data-confirm="确定要完成现场核查吗？此操作不可撤销。"' in html
    response = client.post(url, {"transition": "complete", "expected_state": "planned"}, follow=True)
    assert "现场核查已完成。" in response.content.decode()
    scored.site_visit.refresh_from_db()
    assert scored.site_visit.state == "done"


def test_agency_returns_a_submitted_sheet_from_the_seat_row(client, scoring, agency_user, department_user):
    seat = scoring.assignments.select_related("expert__user").first()
    seat = svc.assignment_accept(assignment=seat, actor=seat.expert.user, no_conflict=True, declaration="无利益关系")
    score_and_submit(seat)
    url = reverse("reviews:assess_detail", args=[scoring.pk])
    post = {"transition": "reopen", "expected_state": "submitted", "seat": seat.pk, "reason": "请核对评分"}
    client.force_login(department_user)
    assert client.post(url, post).status_code == 403  # the seat's reopen is the agency's
    client.force_login(agency_user)
    html = client.get(url).content.decode()
    assert f'name="seat" value="{seat.pk}">' in html and "退回修改" in html
    response = client.post(url, post, follow=True)
    assert "已退回专家修改评分。" in response.content.decode()
    seat.refresh_from_db()
    assert seat.state == AssignmentState.ACCEPTED
    response = client.post(url, post, follow=True)  # the page showed it submitted; it no longer is
    assert "已退回专家修改评分。" not in response.content.decode()
    assert client.post(url, {**post, "seat": 0}).status_code == 404


def site_visit_saved(assessment, agency_user):
    return svc.site_visit_save(assessment=assessment, actor=agency_user, visit_date=timezone.localdate(),
                               team="核查组", items={}, findings="", conclusion="consistent")


def conclusion_section(html: str) -> str:
    return html[html.index('id="conclusion-title"'):]


def accept(seat):
    return svc.assignment_accept(assignment=seat, actor=seat.expert.user, no_conflict=True, declaration="无利益关系")


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


def test_expert_runs_the_seats_transitions_from_the_page(client, scoring, expert_user):
    seats = list(scoring.assignments.select_related("expert__user"))
    mine = next(s for s in seats if s.expert.user_id == expert_user.pk)
    other = next(s for s in seats if s.expert.user_id != expert_user.pk)
    client.force_login(other.expert.user)
    url = reverse("reviews:assess_assignment", args=[other.pk])
    response = client.post(url, {"action": "recuse", "reason": "与申报单位有合作"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reviews:assess_my")
    assert "已提交，感谢您的配合。" in response.content.decode()
    other.refresh_from_db()
    assert other.state == AssignmentState.RECUSED
    assert "已接受评审邀请。" not in client.post(url, {"action": "accept", "no_conflict": "on",
                                                   "declaration": "无"}, follow=True).content.decode()
    client.force_login(expert_user)
    url = reverse("reviews:assess_assignment", args=[mine.pk])
    response = client.post(url, {"action": "accept", "no_conflict": "on", "declaration": "无利益关系"}, follow=True)
    assert "已接受评审邀请。" in response.content.decode()
    indicators = list(scoring.application.call.indicators.order_by("order"))
    data = {"action": "submit", "opinion": "", "veto_reason": ""}
    for ind in indicators:
        data[f"veto_{ind.pk}" if ind.is_veto else f"score_{ind.pk}"] = "0" if ind.is_veto else "20"
    html = client.post(url, data).content.decode()  # refused: no opinion; the page again, not a redirect
    assert "请填写评审意见。" in html
    mine.refresh_from_db()
    assert mine.state == AssignmentState.ACCEPTED
    response = client.post(url, {**data, "opinion": "同意"}, follow=True)
    assert "评分已提交。" in response.content.decode()
    mine.refresh_from_db()
    assert mine.state == AssignmentState.SUBMITTED


@pytest.mark.parametrize("extra", [0, 30])
def test_assessment_page_counts_a_draws_candidates_and_lists_them_on_demand(
        client, django_assert_num_queries, drawn, agency_user, extra):
    """The draw record shows how many experts were candidates; their names (the whole available pool, thousands at
    national scale) only after 查看名单, for that draw: the page's queries do not grow with the candidates."""
    draw = drawn.draws.get()
    more = [f.ExpertProfileFactory() for _ in range(extra)]
    draw.candidates = draw.candidates + [e.pk for e in more]
    draw.save(update_fields=["candidates"])
    unseen = more[-1] if more else f.ExpertProfileFactory()
    client.force_login(agency_user)
    url = reverse("reviews:assess_detail", args=[drawn.pk])
    client.get(url)  # warm-up (content types)
    with django_assert_num_queries(9):  # a condition the page asks twice is read once (looking)
        html = client.get(url).content.decode()
    assert f"候选专家 {len(draw.candidates)} 人" in html
    assert f"?candidates={draw.pk}#draw-{draw.pk}" in html
    assert 'class="small candidate-list"' not in html and (not more or str(unseen.user) not in html)
    listed = client.get(url, {"candidates": draw.pk}).content.decode()
    assert 'class="small candidate-list"' in listed and "收起名单" in listed
    assert not more or str(unseen.user) in listed

