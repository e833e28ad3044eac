"""Who reads a base's annual report and who sees a round, beyond staff and the agency:
- the base's partner units (共建单位) read its report (the base's page shows them the base) — detail, PDF, files,
  their 年度报告 list — but only the lead unit (牵头单位) edits, attaches or submits it (403 for a partner);
- an authority sees a round only when one of its region's bases is in it: another city's authority gets 404 for
  the round's report list and export, and the round is not on its round list."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluations.importer.template import template_bytes
from evaluations.models import ReportFile, ReportState
from evaluations.selectors_rounds import reports_visible, rounds_visible
from evaluations.services import base_import
from evaluations.services import report as report_svc
from pilotbase.models import Base, Organization
from tests import factories as f

from .round_world import _row, world

pytestmark = pytest.mark.django_db

PARTNER = "广西考核测试大学"


@pytest.fixture
def w():
    """One base under 南宁 (the bureau) with a partner unit and its user, in an open round; a Liuzhou bureau
    without any base in the round; an unrelated applicant unit."""
    w = world(certified=[])
    row = {
        **_row(1, date(2023, 5, 1), "南宁市"),
        "partner1_name": PARTNER,
        "partner1_code": f.credit_code(8201),
    }
    base_import.base_import_run(content=template_bytes(rows=[row]), filename="伙伴.xlsx", actor=w.staff)
    w.bases = list(Base.objects.all())
    w.base_user(w.bases[0]), w.authority_user(w.bases[0])
    w.partner = f.ApplicantUserFactory(organization=Organization.objects.get(name=PARTNER))
    w.stranger = f.ApplicantUserFactory()
    w.liuzhou = f.AuthorityUserFactory(organization=w.other_bureau)
    w.rnd = w.open_round()
    w.report = w.rnd.reports.get()
    return w


def _get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


def test_the_partner_reads_the_report_the_lead_unit_files(client, w):
    assert w.bases[0].partner_units.filter(name=PARTNER).exists()  # the import recorded the partner
    assert list(reports_visible(w.partner)) == [w.report]
    assert list(reports_visible(w.stranger)) == []
    html = _get(client, w.partner, "evaluations:report_detail", w.report.pk).content.decode()
    edit = reverse("evaluations:report_edit", args=[w.report.pk])
    assert w.report.base.name in html and f'href="{edit}"' not in html  # read, no 填报 button
    assert 'id="file-form"' not in html and 'name="transition" value="submit"' not in html
    mine = _get(client, w.partner, "evaluations:report_mine").content.decode()
    assert reverse("evaluations:report_detail", args=[w.report.pk]) in mine and f'href="{edit}"' not in mine
    lead = _get(client, w.base_user(w.bases[0]), "evaluations:report_mine").content.decode()
    assert f'href="{edit}"' in lead  # control: the lead unit is asked to file it


def test_the_partner_cannot_edit_attach_or_submit(client, w):
    assert _get(client, w.partner, "evaluations:report_edit", w.report.pk).status_code == 403
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    url = reverse("evaluations:report_file_add", args=[w.report.pk])
    assert client.post(url, {"file": upload}).status_code == 403
    assert not ReportFile.objects.exists()
    data = {"transition": "submit", "expected_state": "draft"}
    response = client.post(reverse("evaluations:report_detail", args=[w.report.pk]), data)
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        report_svc.report_save(report=w.report, actor=w.partner, data={"pilot_projects": 1})
    w.report.refresh_from_db()
    assert (w.report.state, w.report.pilot_projects) == (ReportState.DRAFT, None)


def test_the_partner_reads_the_lead_unit_s_attachment_and_a_stranger_gets_404(client, w):
    lead = w.base_user(w.bases[0])
    upload = SimpleUploadedFile("说明.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    rfile = report_svc.report_file_add(report=w.report, actor=lead, upload=upload)
    url_args = (w.report.pk, rfile.pk)
    assert _get(client, w.partner, "evaluations:report_file", *url_args).status_code == 200
    delete = reverse("evaluations:report_file_delete", args=url_args)
    assert client.post(delete).status_code == 403 and ReportFile.objects.filter(pk=rfile.pk).exists()
    assert _get(client, w.stranger, "evaluations:report_file", *url_args).status_code == 404
    assert _get(client, w.stranger, "evaluations:report_detail", w.report.pk).status_code == 404


def test_the_partner_s_dashboard_does_not_ask_it_to_file(client, w):
    from evaluations.hooks.rounds import base_reports_panel

    assert base_reports_panel(w.partner).count == 0
    assert base_reports_panel(w.base_user(w.bases[0])).count == 1  # control


def test_an_authority_without_a_base_in_the_round_gets_404(client, w):
    assert list(rounds_visible(w.liuzhou)) == []
    assert list(rounds_visible(w.authority_user(w.bases[0]))) == [w.rnd]
    for name in ("evaluations:report_list", "evaluations:report_export"):
        assert _get(client, w.liuzhou, name, w.rnd.pk).status_code == 404
        assert _get(client, w.authority_user(w.bases[0]), name, w.rnd.pk).status_code == 200
    listing = _get(client, w.liuzhou, "evaluations:round_list")
    assert listing.status_code == 200 and reverse("evaluations:report_list", args=[w.rnd.pk]) not in (
        listing.content.decode()
    )


def test_a_base_taken_out_of_the_round_takes_its_authority_out_with_it(client):
    """Only included bases count: the bureau whose one base staff removed from the draft round does not see the
    round once it opens."""
    from evaluations.services import round as round_svc

    w = world(certified=[date(2023, 5, 1)] * 2, cities=["南宁市", "柳州市"])
    rnd = w.round()
    liuzhou_base = w.bases[1]
    bureau = w.authority_user(liuzhou_base)
    round_svc.round_base_exclude(rnd=rnd, base=liuzhou_base, actor=w.staff, reason="当年停产整顿。")
    rnd = round_svc.round_open_reports(rnd=rnd, actor=w.staff)
    assert _get(client, bureau, "evaluations:report_list", rnd.pk).status_code == 404
    assert _get(client, w.authority_user(w.bases[0]), "evaluations:report_list", rnd.pk).status_code == 200
