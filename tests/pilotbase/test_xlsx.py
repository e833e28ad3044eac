"""pilotbase.xlsx: hostile stored text never becomes a formula nor breaks an export; big exports stay linear."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pilotbase.xlsx import xlsx_bytes, xlsx_response


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


FORMULAS = ['=HYPERLINK("http://evil.example/","点此")', "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
            "=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_looks_like_a_formula_is_written_as_text(text):
    ws = _sheet(xlsx_bytes(title="t", headers=["名称"], rows=[[text]]))
    cell = ws["A2"]
    assert cell.data_type == "s"  # a string cell, never "f" (formula)
    assert cell.value.replace("\r", "\n") == text.replace("\r", "\n")  # as typed, no apostrophe (a CR may read back as LF)
    assert cell.quotePrefix is True  # Excel keeps it text even when the cell is edited


def test_ordinary_text_and_negative_numbers_are_left_alone():
    ws = _sheet(xlsx_bytes(title="t", headers=["a", "b"], rows=[["广西中试基地", -5]]))
    assert (ws["A2"].value, ws["A2"].quotePrefix) == ("广西中试基地", False)
    assert (ws["B2"].value, ws["B2"].data_type) == (-5, "n")


def test_control_characters_are_removed_not_fatal():
    hostile = "甲\x00乙\x01丙\x08丁\x0b戊\x0c己\x1b庚\x1f辛"
    ws = _sheet(xlsx_bytes(title="标题\x07", headers=["表头\x02"], rows=[[hostile, "换行\n与制表\t保留"]]))
    assert ws["A1"].value == "表头"
    assert ws["A2"].value == "甲乙丙丁戊己庚辛"
    assert ws["B2"].value == "换行\n与制表\t保留"
    assert ws.title == "标题"


def test_text_longer_than_an_excel_cell_is_cut_at_the_limit():
    ws = _sheet(xlsx_bytes(title="t", headers=["a"], rows=[["字" * 40000]]))
    assert len(ws["A2"].value) == 32767


def test_header_bold_frozen_filtered_and_amounts_with_thousands():
    when = timezone.make_aware(datetime(2026, 11, 28, 9, 30))
    ws = _sheet(xlsx_bytes(title="申报", headers=["名称", "金额", "提交时间", "日期"],
                           rows=[["甲", Decimal("1234567.80"), when, date(2026, 11, 28)], ["乙", None, None, None]]))
    assert [c.font.b for c in ws[1]] == [True] * 4
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D3"
    assert (ws["B2"].value, ws["B2"].number_format) == (1234567.8, "#,##0.00")
    assert (ws["C2"].value, ws["C2"].number_format) == (datetime(2026, 11, 28, 9, 30), "yyyy-mm-dd hh:mm")
    assert ws["D2"].number_format == "yyyy-mm-dd"


def test_heading_lines_above_the_header_title_merged():
    ws = _sheet(xlsx_bytes(title="推荐汇总表", heading=["2026年 推荐汇总表", "推荐单位：南宁市科学技术局"],
                           headers=["序号", "意见"], rows=[[1, "同意"]], wrap=(1,)))
    assert [ws["A1"].value, ws["A2"].value, ws["A3"].value] == ["2026年 推荐汇总表", "推荐单位：南宁市科学技术局", "序号"]
    assert ws["A1"].font.sz == 14 and ws["A1"].font.b
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:B1"]
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:B4"
    assert ws["B4"].alignment.wrap_text is True


def test_twenty_thousand_rows_are_all_written_in_order():
    """The old helper asked openpyxl for max_row per date cell (quadratic); this one counts rows itself. The
    time is measured by the benchmark, not asserted here: the content of the first and last rows is."""
    when = timezone.make_aware(datetime(2026, 1, 2, 8, 0))
    rows = ([f"GX{i:06d}", f"第{i}号基地", when, Decimal(i) * 1000] for i in range(1, 20001))
    response = xlsx_response(filename="big.xlsx", title="申报", headers=["受理编号", "名称", "时间", "金额"], rows=rows)
    ws = _sheet(response.content)
    assert ws.max_row == 20001
    first = list(next(ws.iter_rows(min_row=2, max_row=2, values_only=True)))
    last = list(next(ws.iter_rows(min_row=20001, max_row=20001, values_only=True)))
    assert first == ["GX000001", "第1号基地", datetime(2026, 1, 2, 8, 0), 1000]
    assert last == ["GX020000", "第20000号基地", datetime(2026, 1, 2, 8, 0), 20000000]
    assert ws["D20001"].number_format == "#,##0.00"


def test_response_headers_and_chinese_filename():
    response = xlsx_response(filename="推荐汇总表.xlsx", title="t", headers=["a"], rows=[])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E6%8E%A8%E8%8D%90%E6%B1%87%E6%80%BB%E8%A1%A8.xlsx")
    assert xlsx_response(filename="a.xlsx", title="t", headers=["a"], rows=[])["Content-Disposition"] == (
        'attachment; filename="a.xlsx"')


# ---- through the real exports: stored text from before input cleaning ------------------------------------------
@pytest.mark.django_db
def test_department_export_survives_hostile_stored_text(client, department_user, authority_org):
    from applications import services
    from applications.models import Application
    from tests import factories as f
    from tests.applications.conftest import attach_all

    user = f.ApplicantUserFactory(organization__authority=authority_org)
    app = f.ApplicationFactory(call=f.CallFactory(), applicant=user.organization)
    attach_all(app, user)
    services.application_submit(application=app, actor=user)
    Application.objects.filter(pk=app.pk).update(name='=HYPERLINK("http://evil.example/","x")\x01')
    user.organization.__class__.objects.filter(pk=user.organization.pk).update(name="@恶意单位\x1b")
    client.force_login(department_user)
    response = client.get(reverse("applications:export"))
    assert response.status_code == 200
    ws = _sheet(response.content)
    assert (ws["B2"].value, ws["B2"].data_type) == ('=HYPERLINK("http://evil.example/","x")', "s")
    assert (ws["C2"].value, ws["C2"].quotePrefix) == ("@恶意单位", True)
