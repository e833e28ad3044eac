"""The certificate on the application page: its number, the PDF for whoever may download it, the plaque."""

from datetime import date

import pytest
from django.urls import reverse

from applications.models import Application
from pilotbase.models import Certificate
from reviews.services import certification as svc

pytestmark = pytest.mark.django_db


def _page(client, user, application):
    client.force_login(user)
    response = client.get(reverse("applications:detail", args=[application.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _certify_one(make_passed, call, department_user, org, partners=(), render=None):
    app = make_passed(org, "广西碳酸钙产业科技成果转化中试研究基地", "90", partners=partners)
    notice = svc.notice_create(call=call, applications=[app], title="t", body="", starts_on=date(2026, 11, 2),
                               actor=department_user)
    svc.notice_publish(notice=notice, actor=department_user)
    svc.notice_close(notice=notice, actor=department_user, today=notice.ends_on)
    if render is None:  # on-commit rendering not run: the certificate stays pending, without its PDF
        (certificate,) = svc.certification_run(notice=notice, actor=department_user, certified_on=date(2026, 11, 28))
    else:
        with render(execute=True):
            (certificate,) = svc.certification_run(notice=notice, actor=department_user,
                                                   certified_on=date(2026, 11, 28))
    return Certificate.objects.select_related("base").get(pk=certificate.pk)


@pytest.mark.parametrize("who", ["applicant", "authority", "department"])
def test_certificate_panel_offers_the_pdf_to_whoever_may_download_it(client, personas, certified, app_a, who):
    certificate = Certificate.objects.get(base__application=app_a)
    html = _page(client, personas[who], app_a)
    assert 'id="certificate-panel"' in html
    assert "桂中试认〔2026〕第001号" in html
    assert reverse("reviews:cert_download", args=[certificate.pk]) in html
    assert reverse("public:verify", args=[certificate.token]) in html


def test_certificate_panel_without_download_right_shows_no_pdf_link(client, make_passed, call, applicant,
                                                                   other_applicant, department_user,
                                                                   django_capture_on_commit_callbacks):
    """A partner of the application that is not a partner unit of the base sees the page, not the PDF."""
    certificate = _certify_one(make_passed, call, department_user, applicant.organization,
                               partners=[other_applicant.organization], render=django_capture_on_commit_callbacks)
    certificate.base.partner_units.clear()
    html = _page(client, other_applicant, Application.objects.get(base=certificate.base))
    assert 'id="certificate-panel"' in html
    assert reverse("reviews:cert_download", args=[certificate.pk]) not in html
    assert reverse("public:verify", args=[certificate.token]) in html


def test_certificate_panel_while_the_pdf_is_rendered_says_so(client, make_passed, call, applicant, department_user):
    certificate = _certify_one(make_passed, call, department_user, applicant.organization)
    assert not certificate.pdf
    html = _page(client, applicant, Application.objects.get(base=certificate.base))
    assert "证书生成中" in html.split('id="certificate-panel"')[1]
    assert reverse("reviews:cert_download", args=[certificate.pk]) not in html


def test_certificate_panel_shows_the_plaque_once_recorded(client, certified, app_a, applicant, department_user):
    base = Certificate.objects.get(base__application=app_a).base
    assert "标牌领取人" not in _page(client, applicant, app_a)
    svc.plaque_record(base=base, issued_on=date(2026, 12, 10), received_by="李主任", actor=department_user)
    panel = _page(client, applicant, app_a).split('id="certificate-panel"')[1]
    assert "2026年12月10日" in panel and "李主任" in panel


def test_application_without_certificate_has_no_certificate_panel(client, app_a, applicant):
    assert 'id="certificate-panel"' not in _page(client, applicant, app_a)
