"""Role × page matrix: who sees an application, its attachment and its PDF."""

import pytest
from django.urls import reverse

from applications.pdf import application_pdf_render

pytestmark = pytest.mark.django_db

OUTSIDERS = ["other_applicant", "other_authority", "anonymous", "expert", "agency"]


def _urls(app):
    att = app.attachments.first()
    return [reverse("applications:detail", args=[app.pk]),
            reverse("applications:attachment", args=[app.pk, att.pk]),
            reverse("applications:pdf", args=[app.pk])]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_application_pages_outsider_gets_404(client, personas, submitted, who):
    if who == "anonymous":  # sent to log in first (a link from an e-mail), learning nothing
        responses = [client.get(u) for u in _urls(submitted)]
        assert all(r.status_code == 302 and r["Location"].startswith(reverse("login")) for r in responses)
        return
    client.force_login(personas[who])
    assert [client.get(u).status_code for u in _urls(submitted)] == [404, 404, 404]


@pytest.mark.parametrize("who", ["authority", "department"])
def test_application_pages_reviewers_do_not_see_drafts(client, personas, draft, who):
    client.force_login(personas[who])
    assert [client.get(u).status_code for u in _urls(draft)] == [404, 404, 404]


@pytest.mark.parametrize("who", ["applicant", "authority", "department"])
def test_application_pages_after_submission_200(client, personas, submitted, who):
    application_pdf_render(application_id=submitted.pk)
    client.force_login(personas[who])
    responses = [client.get(u) for u in _urls(submitted)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert responses[1]["Content-Disposition"].startswith("attachment;")
    assert responses[2]["Content-Type"] == "application/pdf"


def test_edit_by_its_authority_is_403(client, authority_user, submitted):
    client.force_login(authority_user)
    assert client.get(reverse("applications:edit", args=[submitted.pk, "basic"])).status_code == 403


def test_edit_by_other_applicant_is_404(client, other_applicant, draft):
    client.force_login(other_applicant)
    assert client.get(reverse("applications:edit", args=[draft.pk, "basic"])).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("applicant", 404), ("expert", 404), ("authority", 200),
                                             ("department", 200)])
def test_department_list_roles(client, personas, who, status):
    client.force_login(personas[who])
    assert client.get(reverse("applications:list")).status_code == status
    assert client.get(reverse("applications:export")).status_code == status  # the export: same gate


@pytest.mark.parametrize(("who", "status"), [("applicant", 403), ("authority", 403), ("department", 200)])
def test_call_create_roles(client, personas, who, status):
    client.force_login(personas[who])
    assert client.get(reverse("applications:call_create")).status_code == status


def test_partner_sees_but_cannot_edit(client, draft):
    from applications.models import Partner
    from tests import factories as f

    partner_user = f.ApplicantUserFactory()
    Partner.objects.create(application=draft, organization=partner_user.organization, role="共建")
    client.force_login(partner_user)
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("applications:edit", args=[draft.pk, "basic"])).status_code == 403
