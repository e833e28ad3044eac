"""The report pages: the base's edit page (last year beside each figure, errors next to the field and at the top,
nothing typed lost, save and submit), the report page's actions box, the round's report list with filters,
counts, who has not filed and the Excel export, and who may see which report (404 otherwise)."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse

from evaluations.models import AnnualReport, ReportState
from evaluations.services import report as svc

from .round_world import FIGURES, world

pytestmark = pytest.mark.django_db

REF = date(2025, 12, 31)


@pytest.fixture
def w():
    return world(
        certified=[date(2023, 5, 1), date(2023, 6, 1), date(2023, 7, 1)],
        cities=["南宁市", "南宁市", "柳州市"],
    )


def _post_data(**overrides) -> dict:
    data = {
        k: (f"{v:,}" if isinstance(v, Decimal) else v) for k, v in FIGURES.items()
    }  # money typed with commas
    data.update(overrides)
    return data


def _login(client, user):
    client.force_login(user)
    return client


def test_edit_page_keeps_wrong_input_and_names_the_problem(client, w):
    rnd = w.open_round(reference_date=REF)
    report = rnd.reports.get(base=w.bases[0])
    url = reverse("evaluations:report_edit", args=[report.pk])
    response = _login(client, w.base_user(report.base)).post(
        url,
        _post_data(
            pilot_projects="10",
            pilot_projects_outside="12",
            service_revenue="三百万",
            staff_fulltime="-3",
            save="1",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="form-errors"' in html
    assert "为外单位完成的中试项目数不能大于完成中试项目总数。" in html
    assert "请填写金额（元），例如 1250000.00。" in html
    assert "不能为负数。" in html
    assert 'value="三百万"' in html and 'value="12"' in html
    assert AnnualReport.objects.get(pk=report.pk).pilot_projects is None


def test_save_then_submit_from_the_edit_page(client, w):
    rnd = w.open_round(reference_date=REF, authority_confirms=False)
    report = rnd.reports.get(base=w.bases[0])
    url = reverse("evaluations:report_edit", args=[report.pk])
    _login(client, w.base_user(report.base))
    assert client.post(url, _post_data(next_year_plan="", save="1")).status_code == 302
    report = AnnualReport.objects.get(pk=report.pk)
    assert (report.service_revenue, report.state) == (Decimal("3860000.00"), ReportState.DRAFT)
    response = client.post(url, _post_data(next_year_plan="", submit="1"), follow=True)
    assert "年度报告尚有未填或有误的内容" in response.content.decode()
    response = client.post(url, _post_data(submit="1"))
    assert response.status_code == 302
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    assert client.get(url).status_code == 302  # no longer editable: back to the report page


def test_edit_page_shows_last_years_figure_and_change(client, w):
    last_round = w.open_round(year=2024, reference_date=date(2024, 12, 31), authority_confirms=False)
    w.filed(last_round.reports.get(base=w.bases[0]), pilot_projects=20)
    rnd = w.open_round(reference_date=REF)
    report = rnd.reports.get(base=w.bases[0])
    svc.report_save(report=report, actor=w.base_user(report.base), data={"pilot_projects": 25})
    html = (
        _login(client, w.base_user(report.base))
        .get(reverse("evaluations:report_edit", args=[report.pk]))
        .content.decode()
    )
    row = html.split('data-field="pilot_projects"')[1].split("</tr>")[0]
    assert ">20<" in row and "+5（+25.0%）" in row


def test_authority_confirms_and_returns_through_the_actions_box(client, w):
    rnd = w.open_round(reference_date=REF)
    report = w.filed(rnd.reports.get(base=w.bases[0]))
    url = reverse("evaluations:report_detail", args=[report.pk])
    _login(client, w.authority_user(report.base))
    html = client.get(url).content.decode()
    assert "确认报告" in html and "退回修改" in html and "受理报告" not in html
    response = client.post(
        url,
        {
            "transition": "return_for_revision",
            "expected_state": "submitted",
            "return_for_revision-reason": "",
        },
    )
    assert response.status_code == 200 and "请填写退回理由。" in response.content.decode()
    response = client.post(
        url,
        {"transition": "confirm", "expected_state": "submitted", "confirm-opinion": "数据属实，同意报送。"},
    )
    assert response.status_code == 302
    report = AnnualReport.objects.get(pk=report.pk)
    assert (report.state, report.confirm_opinion) == (ReportState.CONFIRMED, "数据属实，同意报送。")
    html = client.get(url).content.decode()
    assert "推荐单位已确认" in html and 'id="timeline"' in html and "确认报告" in html


def test_agency_accepts_and_base_cannot(client, w):
    rnd = w.open_round(reference_date=REF, authority_confirms=False)
    report = w.filed(rnd.reports.get(base=w.bases[0]))
    url = reverse("evaluations:report_detail", args=[report.pk])
    data = {"transition": "accept", "expected_state": "submitted"}
    assert _login(client, w.base_user(report.base)).post(url, data).status_code == 403
    assert _login(client, w.agency).post(url, data).status_code == 302
    assert AnnualReport.objects.get(pk=report.pk).state == ReportState.ACCEPTED


@pytest.mark.parametrize(
    ("who", "detail", "edit", "listing"),
    [
        ("base", 200, 200, 404),
        ("other_base", 404, 404, 404),
        ("authority", 200, 403, 200),
        ("other_authority", 404, 404, 200),
        ("agency", 200, 403, 200),
        ("other_agency", 404, 404, 404),
        ("staff", 200, 403, 200),
    ],
)
def test_report_pages_by_role(client, w, who, detail, edit, listing):
    from tests import factories as f

    rnd = w.open_round(reference_date=REF)
    report = rnd.reports.get(base=w.bases[0])
    user = {
        "base": w.base_user(w.bases[0]),
        "other_base": w.base_user(w.bases[2]),
        "authority": w.authority_user(w.bases[0]),
        "other_authority": w.authority_user(w.bases[2]),
        "agency": w.agency,
        "other_agency": f.AgencyUserFactory(),
        "staff": w.staff,
    }[who]
    _login(client, user)
    assert client.get(reverse("evaluations:report_detail", args=[report.pk])).status_code == detail
    assert client.get(reverse("evaluations:report_edit", args=[report.pk])).status_code == edit
    assert client.get(reverse("evaluations:report_list", args=[rnd.pk])).status_code == listing


def test_authority_list_holds_only_its_region(client, w):
    rnd = w.open_round(reference_date=REF)
    html = (
        _login(client, w.authority_user(w.bases[2]))
        .get(reverse("evaluations:report_list", args=[rnd.pk]))
        .content.decode()
    )
    assert w.bases[2].name in html and w.bases[0].name not in html


def test_list_filters_not_filed_city_and_search_and_counts(client, w):
    rnd = w.open_round(reference_date=REF)
    w.filed(rnd.reports.get(base=w.bases[0]))
    url = reverse("evaluations:report_list", args=[rnd.pk])
    _login(client, w.staff)
    page = client.get(url, {"state": "not_filed"}).context["page"]
    assert [r.base for r in page.object_list] == [w.bases[1], w.bases[2]]
    liuzhou = w.bases[2].city
    assert [r.base for r in client.get(url, {"city": liuzhou.pk}).context["page"].object_list] == [w.bases[2]]
    assert [r.base for r in client.get(url, {"q": "第2号"}).context["page"].object_list] == [w.bases[1]]
    counts = client.get(url).context["counts"]
    assert (counts["total"], counts["not_filed"], counts["submitted"]) == (3, 2, 1)


def test_export_holds_exactly_the_filtered_rows(client, w):
    from openpyxl import load_workbook

    rnd = w.open_round(reference_date=REF)
    w.filed(rnd.reports.get(base=w.bases[0]))
    response = _login(client, w.staff).get(
        reverse("evaluations:report_export", args=[rnd.pk]), {"state": "submitted"}
    )
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "基地名称")
    rows = [row for row in values[header + 1 :] if row[0]]
    assert [r[0] for r in rows] == [w.bases[0].name]
    assert rows[0][values[header].index("中试服务收入（元）")] == 3860000


def test_mine_lists_the_bases_own_reports(client, w):
    rnd = w.open_round(reference_date=REF)
    html = _login(client, w.base_user(w.bases[0])).get(reverse("evaluations:report_mine")).content.decode()
    assert reverse("evaluations:report_edit", args=[rnd.reports.get(base=w.bases[0]).pk]) in html
    assert w.bases[1].name not in html


def test_dashboards_show_what_waits_for_each_role(client, w):
    rnd = w.open_round(reference_date=REF)
    report = w.filed(rnd.reports.get(base=w.bases[0]))
    html = _login(client, w.base_user(w.bases[1])).get(reverse("dashboard")).content.decode()
    assert "待填报的年度报告" in html and w.bases[1].name in html
    html = _login(client, w.authority_user(report.base)).get(reverse("dashboard")).content.decode()
    assert "待确认的年度报告" in html and reverse("evaluations:report_detail", args=[report.pk]) in html
    svc.report_confirm(report=report, actor=w.authority_user(report.base))
    html = _login(client, w.agency).get(reverse("dashboard")).content.decode()
    assert "待受理的年度报告" in html and reverse("evaluations:report_detail", args=[report.pk]) in html
    html = client.get(reverse("evaluations:round_list")).content.decode()
    assert reverse("evaluations:round_list") in html  # the nav link


def test_resubmission_shows_what_changed(client, w):
    rnd = w.open_round(reference_date=REF, authority_confirms=False)
    report = w.filed(rnd.reports.get(base=w.bases[0]))
    report = svc.report_return(report=report, actor=w.staff, reason="请核对服务收入。")
    user = w.base_user(report.base)
    report = svc.report_save(
        report=report,
        actor=user,
        data={"service_revenue": Decimal("3680000.00"), "problems": "专业技术人员不足，检测能力待提升。"},
    )
    report = svc.report_submit(report=report, actor=user)
    assert list(report.versions.values_list("version", flat=True)) == [1, 2]
    since, changes = svc.report_changes(report)
    assert since == 1
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("中试服务收入（元）", "3860000.00", "3680000.00"),
        ("存在的问题", "专业技术人员仍不足。", "专业技术人员不足，检测能力待提升。"),
    ]
    html = (
        _login(client, w.staff).get(reverse("evaluations:report_detail", args=[report.pk])).content.decode()
    )
    assert 'id="changes"' in html and "<ins" in html and "3680000.00" in html


def test_first_submission_has_no_changes(client, w):
    rnd = w.open_round(reference_date=REF)
    report = w.filed(rnd.reports.get(base=w.bases[0]))
    assert svc.report_changes(report) is None
    html = (
        _login(client, w.staff).get(reverse("evaluations:report_detail", args=[report.pk])).content.decode()
    )
    assert 'id="changes"' not in html


def test_pdf_for_sealing_prints_the_last_submitted_version(client, w):
    from pypdf import PdfReader

    rnd = w.open_round(reference_date=REF)
    report = rnd.reports.get(base=w.bases[0])
    url = reverse("evaluations:report_pdf", args=[report.pk])
    _login(client, w.base_user(report.base))
    assert client.get(url)["Location"] == reverse(
        "evaluations:report_detail", args=[report.pk]
    )  # a draft: none
    w.filed(report)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "2025年度报告" in text and "3,860,000.00" in text and "盖章" in text
    assert _login(client, w.base_user(w.bases[2])).get(url).status_code == 404


def test_attachments_checked_by_content_and_only_while_editable(client, w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.demo import tiny_pdf

    rnd = w.open_round(reference_date=REF, authority_confirms=False)
    report = rnd.reports.get(base=w.bases[0])
    add = reverse("evaluations:report_file_add", args=[report.pk])
    _login(client, w.base_user(report.base))
    fake = SimpleUploadedFile("合同.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(add, {"file": fake}, follow=True)
    assert report.files.count() == 0
    assert "合同.pdf" not in response.content.decode().split('id="files"')[1].split("</ul>")[0]
    good = SimpleUploadedFile("服务合同.pdf", tiny_pdf("contract"), content_type="application/pdf")
    assert client.post(add, {"file": good}).status_code == 302
    (record,) = report.files.all()
    download = reverse("evaluations:report_file", args=[report.pk, record.pk])
    assert _login(client, w.agency).get(download).status_code == 200
    assert _login(client, w.base_user(w.bases[2])).get(download).status_code == 404
    assert _login(client, w.agency).post(add, {"file": good}).status_code == 403
    w.filed(AnnualReport.objects.get(pk=report.pk))
    _login(client, w.base_user(report.base))
    response = client.post(
        reverse("evaluations:report_file_delete", args=[report.pk, record.pk]), follow=True
    )
    assert "不能修改" in response.content.decode() and report.files.count() == 1


def test_pages_read_in_english(client, w, settings):
    rnd = w.open_round(reference_date=REF)
    report = rnd.reports.get(base=w.bases[0])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = (
        _login(client, w.base_user(report.base))
        .get(reverse("evaluations:report_edit", args=[report.pk]))
        .content
    )
    assert "Pilot projects completed" in html.decode() and "Save and submit" in html.decode()
    html = _login(client, w.staff).get(reverse("evaluations:round_detail", args=[rnd.pk])).content.decode()
    assert "Reports open" in html and "Bases in the round (3)" in html
