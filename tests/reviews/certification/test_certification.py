import io
from datetime import date

import pytest
from django.urls import reverse

from applications.models import Application, ApplicationState
from pilotbase.models import Base, Certificate, CertificateState, Notification
from pilotbase.workflow import WorkflowError, transition_run
from reviews.models import NoticeEntryState
from reviews.services import certification as svc

pytestmark = pytest.mark.django_db


def test_certificate_number_format():
    assert svc.certificate_number(year=2026, sequence=1) == "桂中试认〔2026〕第001号"
    assert svc.certificate_number(year=2026, sequence=123) == "桂中试认〔2026〕第123号"


def test_certification_creates_bases_and_sequential_certificates(certified, app_a, app_b, other_applicant):
    assert [c.number for c in certified] == ["桂中试认〔2026〕第001号", "桂中试认〔2026〕第002号"]
    app_a = Application.objects.get(pk=app_a.pk)
    assert app_a.state == ApplicationState.CERTIFIED
    base = app_a.base
    assert (base.name, base.lead_unit_id, base.batch, base.certified_on, base.batch_label) == (
        "广西新材料科技成果转化中试研究基地", app_a.applicant_id, 3, date(2026, 11, 28), "第三批")
    assert base.city == app_a.applicant.city
    assert base.certificate.state == CertificateState.VALID
    assert Application.objects.get(pk=app_b.pk).base.certificate.sequence == 2
    assert set(certified[0].base.application.notice_entries.values_list("state", flat=True)) == {
        NoticeEntryState.CERTIFIED}


def test_certification_copies_partner_units(make_passed, call, applicant, other_applicant, department_user,
                                            django_capture_on_commit_callbacks):
    app = make_passed(applicant.organization, "广西碳酸钙产业科技成果转化中试研究基地", "90",
                      partners=[other_applicant.organization])
    notice = svc.notice_create(call=call, applications=[app], title="t", body="", starts_on=date(2026, 11, 2),
                               actor=department_user)
    svc.notice_publish(notice=notice, actor=department_user)
    svc.notice_close(notice=notice, actor=department_user, today=notice.ends_on)
    (certificate,) = svc.certification_run(notice=notice, actor=department_user, certified_on=date(2026, 12, 1))
    assert list(certificate.base.partner_units.all()) == [other_applicant.organization]


def test_certification_second_run_creates_nothing(certified, closed_notice, department_user):
    again = svc.certification_run(notice=closed_notice, actor=department_user, certified_on=date(2026, 11, 29))
    assert again == []
    assert Certificate.objects.count() == 2
    assert Base.objects.count() == 2


def test_certification_refused_before_notice_closed(published_notice, department_user):
    with pytest.raises(WorkflowError) as exc:
        svc.certification_run(notice=published_notice, actor=department_user, certified_on=date(2026, 11, 28))
    assert str(exc.value) == "公示结束后才能认定。"
    assert Base.objects.count() == 0


def test_certification_skips_removed_entries(published_notice, department_user, app_a):
    from .conftest import objection

    entry = published_notice.entries.get(application=app_a)
    svc.objection_uphold(objection=objection(entry), actor=department_user, resolution="异议成立。")
    svc.notice_close(notice=published_notice, actor=department_user, today=published_notice.ends_on)
    created = svc.certification_run(notice=published_notice, actor=department_user, certified_on=date(2026, 11, 28))
    assert [c.base.name for c in created] == ["广西新能源商用车科技成果转化中试研究基地"]


def test_certification_notifies_stakeholders(personas, certified):
    recipients = set(Notification.objects.filter(kind="certification.certified")
                     .values_list("recipient__username", flat=True))
    assert recipients == {"applicant", "other_applicant", "authority", "other_authority", "agency"}


def test_numbers_continue_across_notices_of_the_same_year(certified):
    assert svc.certificate_number(year=2026, sequence=3) not in set(Certificate.objects.values_list("number", flat=True))
    from pilotbase.models import Sequence

    assert Sequence.next_value("certificate-2026") == 3


# ---- PDF ----------------------------------------------------------------------------------------
def _pdf_text(certificate) -> str:
    from pypdf import PdfReader

    with certificate.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return "".join(page.extract_text() for page in reader.pages)


def test_certificate_pdf_contains_name_and_number(certified):
    certificate = Certificate.objects.get(pk=certified[0].pk)
    assert certificate.pdf.name == f"certificates/2026/{certificate.token}.pdf"
    text = _pdf_text(certificate).replace(" ", "").replace("\n", "")
    assert "广西新材料科技成果转化中试研究基地" in text
    assert "桂中试认〔2026〕第001号" in text
    assert "广西壮族自治区科学技术厅" in text


def test_certificate_task_twice_yields_one_certificate_and_one_pdf(certified, settings):
    from reviews.tasks.certification import render_certificate

    certificate = Certificate.objects.get(pk=certified[0].pk)
    first_name = certificate.pdf.name
    assert render_certificate.delay(certificate_id=certificate.pk).get() == "skipped"
    assert render_certificate.delay(certificate_id=certificate.pk).get() == "skipped"
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.pdf.name == first_name
    assert Certificate.objects.filter(base=certificate.base).count() == 1
    files = list((settings.MEDIA_ROOT / "certificates" / "2026").iterdir())
    assert len(files) == 2  # one per certificate of the notice


def test_certificate_task_on_pending_certificate_generates_once(closed_notice, department_user):
    from reviews.tasks.certification import render_certificate

    created = svc.certification_run(notice=closed_notice, actor=department_user, certified_on=date(2026, 11, 28))
    pk = created[0].pk  # on-commit callbacks not executed here: still pending
    assert Certificate.objects.get(pk=pk).state == CertificateState.PENDING
    assert render_certificate.delay(certificate_id=pk).get() == "generated"
    assert render_certificate.delay(certificate_id=pk).get() == "skipped"
    assert Certificate.objects.get(pk=pk).state == CertificateState.VALID
    assert Certificate.objects.count() == 2


# ---- public verification --------------------------------------------------------------------------
def test_verify_page_valid_then_revoked(client, certified, department_user):
    certificate = Certificate.objects.get(pk=certified[0].pk)
    url = reverse("public:verify", args=[certificate.token])
    html = client.get(url).content.decode()
    assert "有效" in html and "text-success" in html
    assert "桂中试认〔2026〕第001号" in html
    assert "广西新材料科技成果转化中试研究基地" in html
    transition_run(instance=certificate, name="revoke", actor=department_user,
                   args={"revoked_on": date(2027, 3, 1), "reason": "连续两年考核不合格"})
    html = client.get(url).content.decode()
    assert "已撤销" in html and "text-danger" in html
    assert "2027年3月1日" in html and "连续两年考核不合格" in html


def test_verify_page_unknown_token_404(client, db):
    import uuid

    assert client.get(reverse("public:verify", args=[uuid.uuid4()])).status_code == 404


# ---- download -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "status"), [
    ("applicant", 200), ("department", 200), ("admin", 200), ("authority", 200), ("agency", 200),
    ("other_applicant", 404), ("other_authority", 404), ("expert", 404), ("anonymous", 302),  # anonymous: sent to log in
])
def test_certificate_download_matrix(client, personas, who, status, make_passed, call, department_user,
                                     django_capture_on_commit_callbacks, applicant):
    app = make_passed(applicant.organization, "广西新材料科技成果转化中试研究基地", "90")
    notice = svc.notice_create(call=call, applications=[app], title="t", body="", starts_on=date(2026, 11, 2),
                               actor=department_user)
    svc.notice_publish(notice=notice, actor=department_user)
    svc.notice_close(notice=notice, actor=department_user, today=notice.ends_on)
    with django_capture_on_commit_callbacks(execute=True):
        (certificate,) = svc.certification_run(notice=notice, actor=department_user, certified_on=date(2026, 11, 28))
    if who != "anonymous":
        client.force_login(personas[who])
    response = client.get(reverse("reviews:cert_download", args=[certificate.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_certificate_download_partner_unit_allowed(client, make_passed, call, applicant, other_applicant,
                                                   department_user, django_capture_on_commit_callbacks):
    app = make_passed(applicant.organization, "广西碳酸钙产业科技成果转化中试研究基地", "90",
                      partners=[other_applicant.organization])
    notice = svc.notice_create(call=call, applications=[app], title="t", body="", starts_on=date(2026, 11, 2),
                               actor=department_user)
    svc.notice_publish(notice=notice, actor=department_user)
    svc.notice_close(notice=notice, actor=department_user, today=notice.ends_on)
    with django_capture_on_commit_callbacks(execute=True):
        (certificate,) = svc.certification_run(notice=notice, actor=department_user, certified_on=date(2026, 11, 28))
    client.force_login(other_applicant)
    assert client.get(reverse("reviews:cert_download", args=[certificate.pk])).status_code == 200


# ---- plaque -------------------------------------------------------------------------------------
def test_plaque_recorded_by_staff(login, certified, department_user, applicant):
    base = certified[0].base
    url = reverse("reviews:cert_plaque", args=[base.pk])
    assert login(applicant).get(url).status_code == 404
    client = login(department_user)
    response = client.post(url, {"plaque_issued_on": "2026-11-20", "plaque_received_by": "李主任"})
    assert "标牌颁发日期不能早于认定日期。" in response.content.decode()
    response = client.post(url, {"plaque_issued_on": "2026-12-10", "plaque_received_by": "李主任"})
    assert response.status_code == 302
    base = Base.objects.get(pk=base.pk)
    assert (base.plaque_issued_on, base.plaque_received_by) == (date(2026, 12, 10), "李主任")
