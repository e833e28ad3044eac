"""Importing bases certified before the portal: the dry run names every problem by row and column and saves
nothing; a good file creates bases, units, certificates and history in one transaction; twice is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.models import BaseImport, EvaluationResult, Grade, PriorSupport
from evaluations.services import base_import as svc
from pilotbase.models import Base, Certificate, CertificateState, Organization, OrgKind, TransitionLog
from tests import factories as f

from .conftest import bad_code, code, row, upload, workbook

pytestmark = pytest.mark.django_db

IMPORT = "evaluations:base_import"


def _problems(plan) -> list[tuple]:
    return [(p.row, p.column) for p in plan.problems]


def _dry_run(client, content: bytes):
    return client.post(reverse(IMPORT), {"file": upload(content)})


# ---- the dry run ---------------------------------------------------------------------------------------
def test_bad_rows_save_nothing_and_name_each_error_by_row_and_column(client, staff):
    orgs_before = Organization.objects.count()
    content = workbook(
        row(1, lead_code=bad_code(1)),  # Excel row 2
        row(2, city="火星市"),  # row 3
        row(3, certified_on="2021-13-40", grade_2022="优"),  # row 4
        row(1, lead_code=code(4), number="桂科中试〔2021〕第04号"),  # row 5: the name of row 2 again
        row(5, support_amount=None),  # row 6: 是 without an amount
        row(6, name="", support="否"),  # row 7: no name; 否 with an amount and a year
    )
    client.force_login(staff)
    response = _dry_run(client, content)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert _problems(plan) == [
        (2, "牵头单位统一社会信用代码"),
        (3, "所在设区市"),
        (4, "认定日期"), (4, "2022年度考核等次"),
        (5, "基地名称"),
        (6, "建设支持金额（元）"),
        (7, "基地名称"), (7, "建设支持金额（元）"), (7, "建设支持年度"),
    ]
    messages = {(p.row, p.column): p.message for p in plan.problems}
    assert messages[(2, "牵头单位统一社会信用代码")] == "统一社会信用代码校验位不正确，请核对营业执照。"
    assert messages[(3, "所在设区市")] == "未知的设区市“火星市”，请从“可选值”表中选择。"
    assert messages[(5, "基地名称")] == "与第2行的基地名称重复。"
    assert messages[(7, "基地名称")] == "必填，不能为空。"
    html = response.content.decode()
    assert 'id="import-problems"' in html and "第4行" in html and 'id="confirm-form"' not in html
    assert (Base.objects.count(), Certificate.objects.count(), EvaluationResult.objects.count(),
            BaseImport.objects.count(), Organization.objects.count()) == (0, 0, 0, 0, orgs_before)
    assert "evaluations.base_import" not in client.session  # nothing kept for a confirmation


def test_missing_required_column_is_named_for_the_file(staff):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["基地名称", "牵头单位名称", "所在设区市", "某个自创列"])
    wb.active.append(["广西某科技成果转化中试研究基地", "某公司", "南宁市", "x"])
    buffer = BytesIO()
    wb.save(buffer)
    plan = svc.base_import_check(content=buffer.getvalue(), filename="x.xlsx")
    assert [(p.row, p.column) for p in plan.problems] == [
        (None, "牵头单位统一社会信用代码"), (None, "产业领域"), (None, "平台类型"), (None, "认定批次"),
        (None, "认定日期"), (None, "证书编号"), (None, "某个自创列")]
    assert not plan.ok


def test_not_an_excel_file_is_refused_by_the_upload_check(client, staff):
    client.force_login(staff)
    response = client.post(reverse(IMPORT), {"file": upload(b"%PDF-1.4 not excel", "x.xlsx")})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["plan"] is None


def test_unit_cells_reuse_by_credit_code_and_refuse_conflicts(staff, nanning_bureau):
    known = f.ApplicantOrgFactory(name="广西已登记材料有限公司", credit_code=code(50), authority=nanning_bureau)
    agency = f.AgencyFactory(credit_code=code(60))
    plan = svc.base_import_check(content=workbook(
        row(1, lead_name="广西已登记材料有限公司（简称）", lead_code=code(50)),  # 2: reused, with a note
        row(2, lead_name="广西已登记材料有限公司", lead_code=code(51)),  # 3: the name is known with another code
        row(3, lead_code=agency.credit_code),  # 4: an agency cannot lead a base
        row(4, partner1_name="广西导入测试材料有限公司4", partner1_code=code(4)),  # 5: partner = lead
        row(5, lead_name="广西导入测试材料有限公司4", lead_code=code(56)),  # 6: row 5's new unit, another code
        row(6, lead_name="另一个名字有限公司", lead_code=code(4)),  # 7: row 5's code, another name
    ), filename="u.xlsx")
    assert plan.units[code(50)].existing == known
    assert [str(n) for n in plan.notes] == [
        "第2行「牵头单位名称」：系统中该统一社会信用代码的单位为“广西已登记材料有限公司”，将沿用该单位，不新建。"]
    assert _problems(plan) == [(3, "牵头单位名称"), (4, "牵头单位统一社会信用代码"), (5, "共建单位1统一社会信用代码"),
                               (6, "牵头单位统一社会信用代码"), (7, "牵头单位名称")]
    assert plan.problems[1].message.startswith("该统一社会信用代码属于")


def test_dry_run_queries_do_not_grow_with_rows(staff):
    def count(n: int) -> int:
        content = workbook(*[row(i, partner1_name=f"伙伴单位{i}", partner1_code=code(100 + i)) for i in range(1, n + 1)])
        with CaptureQueriesContext(connection) as ctx:
            plan = svc.base_import_check(content=content, filename="q.xlsx")
        assert plan.ok, plan.problems
        return len(ctx.captured_queries)

    assert count(1) == count(6)


# ---- the import ----------------------------------------------------------------------------------------
def test_good_file_creates_bases_units_certificates_and_history(client, staff, nanning_bureau):
    partner = f.ApplicantOrgFactory(name="广西大学（导入测试）", credit_code=code(90), authority=nanning_bureau)
    content = workbook(
        row(1, partner1_name="广西大学（导入测试）", partner1_code=code(90), partner2_name="广西新伙伴研究院",
            partner2_code=code(91)),
        row(2, city="柳州", industry="新能源", batch="第一批", certified_on=date(2021, 12, 20), grade_2022="合格",
            grade_2023="整改", grade_2024="合格", support="否", support_amount=None, support_year=None,
            partner1_name="广西新伙伴研究院", partner1_code=code(91)),
    )
    f.AuthorityFactory(name="柳州市科学技术局", city=f.city("liuzhou"))
    client.force_login(staff)
    response = _dry_run(client, content)
    assert response.status_code == 200
    assert response.context["plan"].ok, response.context["plan"].problems
    assert 'id="confirm-form"' in response.content.decode()
    assert Base.objects.count() == 0  # the dry run wrote nothing
    token = client.session["evaluations.base_import"]["token"]
    assert default_storage.exists(f"evaluations/pending/{token}.xlsx")

    response = client.post(reverse("evaluations:base_import_confirm"), {"token": token})
    assert response.status_code == 302
    assert not default_storage.exists(f"evaluations/pending/{token}.xlsx")

    first, second = Base.objects.order_by("id")
    assert (first.name, first.city.name, first.industry.name, first.platform_type.name, first.batch,
            first.certified_on, first.state) == (
        "广西第1号新材料科技成果转化中试研究基地", "南宁市", "新材料", "中试研究基地", 1, date(2021, 12, 20), "active")
    assert (second.city.name, second.industry.name) == ("柳州市", "新能源")
    lead = first.lead_unit
    assert (lead.name, lead.credit_code, lead.kind, lead.authority, lead.city.name) == (
        "广西导入测试材料有限公司1", code(1), OrgKind.APPLICANT, nanning_bureau, "南宁市")
    assert second.lead_unit.authority.name == "柳州市科学技术局"
    assert set(first.partner_units.all()) == {partner, Organization.objects.get(credit_code=code(91))}
    assert Organization.objects.filter(credit_code=code(91)).count() == 1  # one unit for two rows
    assert Organization.objects.get(credit_code=code(91)).authority == nanning_bureau

    cert = first.certificate
    assert (cert.number, cert.year, cert.issued_on, cert.state, bool(cert.pdf)) == (
        "桂科中试〔2021〕第01号", 2021, date(2021, 12, 20), CertificateState.VALID, False)
    assert sorted(Certificate.objects.values_list("sequence", flat=True)) == [1, 2]
    assert list(EvaluationResult.objects.filter(base=second).values_list("year", "grade", "source")) == [
        (2022, Grade.PASS, "imported"), (2023, Grade.RECTIFY, "imported"), (2024, Grade.PASS, "imported")]
    assert list(PriorSupport.objects.values_list("base__name", "amount", "year")) == [
        (first.name, Decimal("3000000.00"), 2022)]

    record = BaseImport.objects.get()
    assert (record.imported_by, record.row_count, set(record.bases.all()), record.filename) == (
        staff, 2, {first, second}, "既有基地.xlsx")
    assert record.file.read() == content
    logs = TransitionLog.objects.filter(subject_type=ContentType.objects.get_for_model(Base), transition="import")
    assert sorted((log.subject_id, log.label, log.to_state, log.actor_id) for log in logs) == [
        (first.pk, "导入既有基地", "active", staff.pk), (second.pk, "导入既有基地", "active", staff.pk)]
    assert len({log.decision for log in logs}) == 1


def test_same_file_twice_is_refused(client, staff):
    content = workbook(row(1), row(2))
    svc.base_import_run(content=content, filename="a.xlsx", actor=staff)
    client.force_login(staff)
    plan = _dry_run(client, content).context["plan"]
    assert _problems(plan) == [(None, ""), (2, "基地名称"), (2, "证书编号"), (3, "基地名称"), (3, "证书编号")]
    assert plan.problems[0].message.startswith("该文件已于")
    assert plan.problems[1].message == "系统中已有同名的中试基地，不能重复导入。"
    # The same rows in another file (another hash) are still refused, by the duplicates.
    with pytest.raises(svc.ImportRefused):
        svc.base_import_run(content=workbook(row(2), row(1)), filename="b.xlsx", actor=staff)
    assert (Base.objects.count(), BaseImport.objects.count()) == (2, 1)


def test_confirm_checks_again_and_refuses_what_changed_since_the_dry_run(client, staff):
    client.force_login(staff)
    assert _dry_run(client, workbook(row(1), row(2))).context["plan"].ok
    svc.base_import_run(content=workbook(row(2, number="另一编号")), filename="other.xlsx", actor=staff)
    response = client.post(reverse("evaluations:base_import_confirm"),
                           {"token": client.session["evaluations.base_import"]["token"]})
    assert response.status_code == 200
    assert _problems(response.context["plan"]) == [(3, "基地名称")]
    assert Base.objects.count() == 1  # row 1 was not imported either


def test_confirm_without_a_checked_file_imports_nothing(client, staff):
    client.force_login(staff)
    response = client.post(reverse("evaluations:base_import_confirm"), {"token": "x" * 32})
    assert (response.status_code, response["Location"]) == (302, reverse(IMPORT))
    assert BaseImport.objects.count() == 0


def test_verification_page_of_an_imported_certificate(client, staff):
    svc.base_import_run(content=workbook(row(1)), filename="a.xlsx", actor=staff)
    cert = Certificate.objects.get()
    response = client.get(reverse("public:verify", args=[cert.token]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="verify-status">✔ 有效' in html
    assert all(text in html for text in ("桂科中试〔2021〕第01号", "广西第1号新材料科技成果转化中试研究基地",
                                         "广西导入测试材料有限公司1", "2021年12月20日"))


def test_template_download_has_header_example_and_allowed_values(client, staff):
    from openpyxl import load_workbook

    client.force_login(staff)
    response = client.get(reverse("evaluations:base_import_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["基地名单", "可选值", "填写说明"]
    sheet, allowed = wb["基地名单"], wb["可选值"]
    assert [c.value for c in sheet[1]][:3] == ["基地名称*", "牵头单位名称*", "牵头单位统一社会信用代码*"]
    assert sheet["A2"].value.startswith("【示例】")
    assert [c.value for c in allowed[1]] == ["设区市", "产业领域", "平台类型", "考核等次", "是否获得建设支持"]
    assert [allowed.cell(row=r, column=1).value for r in range(2, 16)][-1] == "崇左市"
    # The template as downloaded checks clean: its example row is skipped, so there is nothing to import.
    plan = svc.base_import_check(content=response.content, filename="t.xlsx")
    assert [p.message for p in plan.problems] == ["文件中没有基地数据（示例行不导入）。"]


@pytest.mark.parametrize("name", ["evaluations:base_import", "evaluations:base_import_template"])
@pytest.mark.parametrize("who", ["applicant", "authority", "agency", "expert"])
def test_other_roles_get_404(client, personas, who, name):
    client.force_login(personas[who])
    assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse("evaluations:base_import_confirm"), {"token": "x" * 32}).status_code == 404


def test_import_service_refuses_non_staff(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        svc.base_import_run(content=workbook(row(1)), filename="a.xlsx", actor=personas["applicant"])


@pytest.mark.slow  # three workbooks through the import
def test_demo_imports_the_2021_to_2023_batches_through_the_service_once():
    from evaluations import demo
    from pilotbase.demo import seed_core

    core = seed_core()
    demo.seed(core)
    demo.seed(core)  # a second seed_demo run changes nothing
    bases = Base.objects.filter(batch=1, certified_on=date(2021, 12, 28))
    assert bases.count() == 11
    assert bases.values("city").distinct().count() == 8
    assert all(b.name.startswith("广西") and b.name.endswith("科技成果转化中试研究基地") for b in bases)
    assert BaseImport.objects.get(filename=demo.FILENAME).row_count == 11
    assert sorted(BaseImport.objects.values_list("row_count", flat=True)) == [2, 2, 11]
    later = Base.objects.filter(batch__in=[2, 3])
    assert sorted(later.values_list("certified_on__year", flat=True)) == [2022, 2022, 2023, 2023]
    assert set(EvaluationResult.objects.filter(base__in=later).values_list("year", flat=True)) == {2023, 2024}
    assert not EvaluationResult.objects.filter(year=2025).exists()  # the portal's 2025 round gives them
    assert EvaluationResult.objects.filter(year=2022).count() == 11
    assert list(EvaluationResult.objects.filter(year=2022).values_list("grade", flat=True).order_by("grade")) == (
        ["excellent"] * 2 + ["good"] * 4 + ["pass"] * 5)
    assert Organization.objects.filter(name="广西柳工机械股份有限公司").count() == 1  # the core unit, reused
