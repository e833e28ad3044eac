"""A consortium's partners hear every decision on their application, not only the certification: the
return, the decline and the formal-check results reach the lead unit's and the partners' users alike."""

import pytest
from django.core.files.base import ContentFile

from applications.models import Attachment, Partner
from applications.services import application_submit
from pilotbase.models import Notification
from reviews.models import FormalCheck
from reviews.services import recommendation as svc
from tests import factories as f

from .conftest import PDF_BYTES, letter_pdf, rec_of, results_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_user(db):
    return f.ApplicantUserFactory(organization=f.ApplicantOrgFactory(name="广西共建伙伴材料有限公司"))


@pytest.fixture
def consortium_rec(applicant, call, partner_user):
    """A consortium application (lead: the applicant persona's unit; one partner), submitted and pending."""
    app = f.ApplicationFactory(call=call, applicant=applicant.organization, is_consortium=True)
    Partner.objects.create(application=app, organization=partner_user.organization, role="中试工艺验证", order=1)
    for req in app.required_attachments():
        Attachment.objects.create(application=app, requirement=req, file=ContentFile(PDF_BYTES, name=f"{req.code}.pdf"),
                                  original_name=f"{req.name}.pdf", size=len(PDF_BYTES),
                                  content_type="application/pdf", sha256="0" * 64, uploaded_by=applicant)
    application_submit(application=app, actor=applicant)
    return rec_of(app)


def _told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_return_tells_lead_unit_and_partners(consortium_rec, authority_user, applicant, partner_user):
    svc.recommendation_return(recommendation=consortium_rec, actor=authority_user, opinion="请补充共建协议")
    assert _told("recommendation.returned") == sorted([applicant.username, partner_user.username])


def test_decline_tells_lead_unit_and_partners(consortium_rec, authority_user, applicant, partner_user):
    svc.recommendation_decline(recommendation=consortium_rec, actor=authority_user, reason="共建协议无效")
    assert _told("recommendation.declined") == sorted([applicant.username, partner_user.username])


@pytest.mark.parametrize(("action", "kind"), [("pass", "formal_check.passed"), ("return", "formal_check.returned"),
                                              ("reject", "formal_check.rejected")])
def test_formal_check_results_tell_lead_unit_and_partners(consortium_rec, authority_user, department_user, applicant,
                                                          partner_user, action, kind):
    svc.recommendation_recommend(recommendation=consortium_rec, actor=authority_user, opinion="同意推荐")
    batch = rec_of(consortium_rec.application).batch
    svc.batch_attach_letter(batch=batch, actor=authority_user, upload=letter_pdf())
    svc.batch_submit(batch=batch, actor=authority_user)
    check = FormalCheck.objects.get(application=consortium_rec.application)
    app = check.application
    if action == "pass":
        svc.formal_check_pass(check=check, actor=department_user, results=results_for(app))
    elif action == "return":
        svc.formal_check_return(check=check, actor=department_user, opinion="请补正",
                                results=results_for(app, ok=False, failed_note="缺共建协议"))
    else:
        svc.formal_check_reject(check=check, actor=department_user, opinion="不符合", results=results_for(app, ok=False))
    assert set(_told(kind)) - {authority_user.username} == {applicant.username, partner_user.username}
