"""Reviewers reach the full application: an expert reads the record and its PDF while seated (accepted or
submitted); the authority's, the department's and the expert's pages link to it."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Attachment, Equipment, TeamMember
from pilotbase.models import ExpertKind
from reviews.models import FormalCheck, RecommendationBatch
from reviews.services import assessment as svc
from reviews.services import recommendation as rec_svc
from tests import factories as f
from tests.reviews.assessment.conftest import score_and_submit, under_review
from tests.reviews.recommendation.conftest import letter_pdf, rec_of, submit_new

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def seat(applicant, department_user, agency_user, expert_user):
    """expert_user's seat (invited, scoring open) on the panel of the applicant's application under review."""
    app = under_review(f.ApplicationFactory(call=f.CallFactory(), applicant=applicant.organization),
                       department=department_user)
    for kind in (ExpertKind.TECHNICAL, ExpertKind.TECHNICAL, ExpertKind.MANAGEMENT, ExpertKind.MANAGEMENT,
                 ExpertKind.FINANCIAL, ExpertKind.FINANCIAL):
        f.ExpertProfileFactory(kind=kind)
    commission = svc.commission_create(call=app.call, agency=agency_user.organization, applications=[app],
                                       due_on=timezone.localdate() + timedelta(days=10), title="评估论证委托",
                                       actor=department_user)
    assessment = commission.assessments.get()
    svc.panel_draw(assessment=assessment, actor=agency_user, seed="fixed-seed", size=5)
    svc.assessment_start_scoring(assessment=assessment, actor=agency_user)
    return assessment.assignments.select_related("assessment__application").get(expert__user=expert_user)


def _accept(seat):
    return svc.assignment_accept(assignment=seat, actor=seat.expert.user, no_conflict=True, declaration="无利益关系")


def _urls(app):
    return [reverse("applications:detail", args=[app.pk]), reverse("applications:pdf", args=[app.pk])]


def _statuses(client, urls):
    return [client.get(u).status_code for u in urls]


def test_invited_expert_cannot_read_the_application(client, seat, expert_user):
    client.force_login(expert_user)
    assert _statuses(client, _urls(seat.assessment.application)) == [404, 404]


def test_accepted_expert_reads_record_and_pdf_but_not_files_or_edit_pages(client, seat, expert_user, applicant):
    app = seat.assessment.application
    attachment = Attachment.objects.create(
        application=app, requirement=app.call.required_attachments.first(), file=ContentFile(PDF, name="a.pdf"),
        original_name="可研.pdf", size=len(PDF), content_type="application/pdf", sha256="0" * 64,
        uploaded_by=applicant)
    _accept(seat)
    client.force_login(expert_user)
    assert _statuses(client, _urls(app)) == [200, 200]
    blocked = [reverse("applications:attachment", args=[app.pk, attachment.pk]),
               reverse("applications:edit", args=[app.pk, "basic"]),
               reverse("applications:completeness", args=[app.pk])]
    assert _statuses(client, blocked) == [404, 404, 404]
    page = client.get(reverse("applications:detail", args=[app.pk])).content.decode()
    assert "可研.pdf" in page and blocked[0] not in page  # listed, but downloaded through the seat page


def test_record_page_shows_the_expert_no_actions_and_no_other_expert(client, seat, expert_user):
    _accept(seat)
    others = [str(s.expert.user) for s in seat.assessment.assignments.exclude(pk=seat.pk).select_related("expert__user")]
    for other in seat.assessment.assignments.exclude(pk=seat.pk).select_related("expert__user"):
        _accept(other)
    client.force_login(expert_user)
    response = client.get(reverse("applications:detail", args=[seat.assessment.application_id]))
    html = response.content.decode()
    assert [n for n in others if n in html] == []
    assert not response.context["can_submit"] and not response.context["can_withdraw"]
    assert 'id="withdraw-form"' not in html and 'id="no-actions"' in html


def test_submitted_seat_still_reads(client, seat, expert_user):
    seat = score_and_submit(_accept(seat))
    assert seat.state == "submitted"
    client.force_login(expert_user)
    assert _statuses(client, _urls(seat.assessment.application)) == [200, 200]


@pytest.mark.parametrize("leave", ["decline", "recuse"])
def test_declined_or_recused_expert_gets_404(client, seat, expert_user, leave):
    getattr(svc, f"assignment_{leave}")(assignment=seat, actor=expert_user, reason="与申报单位有合作关系")
    client.force_login(expert_user)
    assert _statuses(client, _urls(seat.assessment.application)) == [404, 404]


def test_expert_not_on_the_panel_gets_404(client, seat):
    _accept(seat)
    client.force_login(f.ExpertProfileFactory().user)
    assert _statuses(client, _urls(seat.assessment.application)) == [404, 404]


def test_expert_record_page_query_count_is_constant(client, seat, expert_user):
    _accept(seat)
    app = seat.assessment.application
    client.force_login(expert_user)
    url = reverse("applications:detail", args=[app.pk])
    client.get(url)  # warm caches (content types, session)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(3):
        Equipment.objects.create(application=app, name=f"设备{i}", quantity=1, original_value=1)
        TeamMember.objects.create(application=app, name=f"成员{i}", title="工程师", field="材料", role="研发")
    assert count() == before


def test_seat_page_links_to_the_full_application_once_accepted(client, seat, expert_user):
    client.force_login(expert_user)
    url = reverse("reviews:assess_assignment", args=[seat.pk])
    detail = reverse("applications:detail", args=[seat.assessment.application_id])
    assert detail not in client.get(url).content.decode()  # invited: not yet
    _accept(seat)
    html = client.get(url).content.decode()
    assert f'href="{detail}"' in html and "查看完整申报书" in html


def test_authority_and_department_pages_link_to_the_full_application_and_pdf(client, applicant, authority_user,
                                                                             department_user, call):
    rec = rec_of(submit_new(user=applicant, call=call))
    app = rec.application
    app.pdf.save("a.pdf", ContentFile(PDF), save=True)
    links = [f'href="{reverse("applications:detail", args=[app.pk])}"',
             f'href="{reverse("applications:pdf", args=[app.pk])}"', "查看完整申报书", "下载申报书PDF"]
    client.force_login(authority_user)
    html = client.get(reverse("reviews:rec_review", args=[rec.pk])).content.decode()
    assert [s for s in links if s not in html] == []
    rec_svc.recommendation_recommend(recommendation=rec, actor=authority_user, opinion="同意推荐。")
    batch = RecommendationBatch.objects.get(pk=rec_of(app).batch_id)
    rec_svc.batch_attach_letter(batch=batch, actor=authority_user, upload=letter_pdf())
    rec_svc.batch_submit(batch=batch, actor=authority_user)
    client.force_login(department_user)
    check = FormalCheck.objects.get(application=app)
    html = client.get(reverse("reviews:fc_check", args=[check.pk])).content.decode()
    assert [s for s in links if s not in html] == []


def test_no_pdf_link_without_a_pdf(client, applicant, authority_user, call):
    rec = rec_of(submit_new(user=applicant, call=call))
    type(rec.application).objects.filter(pk=rec.application_id).update(pdf="")
    client.force_login(authority_user)
    html = client.get(reverse("reviews:rec_review", args=[rec.pk])).content.decode()
    assert "查看完整申报书" in html and reverse("applications:pdf", args=[rec.application_id]) not in html


@pytest.fixture
def call(db):
    return f.CallFactory()
