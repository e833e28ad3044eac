"""The downloadable template: the sheet to fill (header + one example row, drop-down lists), the allowed
values (reference data as it stands in the portal) and short filling notes, through pilotbase.xlsx."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import zip_longest

from pilotbase.documents import official_language
from pilotbase.models import City, Industry, PlatformType
from pilotbase.validators import credit_code_check_char
from pilotbase.xlsx import Sheet, xlsx_book_bytes

from ..models import Grade
from .columns import CHOICES_TITLE, EXAMPLE_MARK, PARTNER_SLOTS, SHEET_TITLE, columns, header_text

NOTES_TITLE = "填写说明"


def _code(body: str) -> str:
    return body + credit_code_check_char(body)


def _example(cols) -> list:
    values = {
        "name": f"{EXAMPLE_MARK}广西新材料科技成果转化中试研究基地",
        "lead_name": "广西示例新材料有限公司", "lead_code": _code("91450100MA5L00001"),
        "partner1_name": "广西示例大学", "partner1_code": _code("12450000MB1A00002"),
        "city": "南宁市", "industry": "新材料", "platform_type": "中试研究基地", "batch": 1,
        "certified_on": date(2021, 12, 20), "number": "桂科中试〔2021〕第01号",
        "grade_2022": "优秀", "grade_2023": "良好", "grade_2024": "合格",
        "support": "是", "support_amount": Decimal("3000000"), "support_year": 2022,
    }
    return [values.get(c.key) for c in cols]


def _allowed() -> tuple[list[str], list[list]]:
    with official_language():
        lists = [
            [c.name for c in City.objects.filter(is_active=True)],
            [i.name for i in Industry.objects.filter(is_active=True)],
            [p.name for p in PlatformType.objects.filter(is_active=True)],
            [str(label) for _value, label in Grade.choices],
            ["是", "否"],
        ]
    return lists, [list(r) for r in zip_longest(*lists)]


NOTES = [
    ("带 * 的列", "必填。其余列可留空。"),
    ("示例行", f"基地名称以“{EXAMPLE_MARK}”开头的行是示例，导入时跳过，可删除或覆盖。"),
    ("统一社会信用代码", "18位，含校验位，按营业执照填写。系统中已有同一代码的单位直接沿用，不新建。"),
    ("共建单位", f"每个共建单位填一对“名称 + 统一社会信用代码”，最多{PARTNER_SLOTS}个；没有共建单位留空。"),
    ("设区市、产业领域、平台类型", "从下拉列表或“可选值”表中选择，须与平台名称一致。新建的单位由所在设区市科技局作为推荐单位。"),
    ("认定批次", "填数字（如 1）或“第一批”。"),
    ("认定日期", "如 2021-12-20 或 2021年12月20日。证书发证日期按认定日期记录。"),
    ("证书编号", "填写纸质证书上的原编号，不能与已有证书重复。"),
    ("某年度考核等次", "优秀、良好、合格、整改或不合格；未参加该年度考核的留空。不能早于认定年度。"),
    ("建设支持", "获得过建设支持填“是”并填写金额（元，数字）和年度；未获得填“否”或留空，金额和年度也留空。"),
    ("导入", "上传后系统先逐行检查，全部无误才可确认导入；有任何错误则不导入任何数据。"),
]


def template_sheets(*, rows: list[dict] | None = None, today: date | None = None) -> list[Sheet]:
    """The template's sheets; `rows` (values by column key) replace the example row (the demo's import)."""
    cols = columns(today)
    lists, allowed_rows = _allowed()
    letters = "ABCDE"
    choices = []
    for index, column in enumerate(cols):
        if column.choices:
            n = len(lists[letters.index(column.choices)])
            choices.append((index, f"'{CHOICES_TITLE}'!${column.choices}$2:${column.choices}${n + 1}"))
    data = [[r.get(c.key) for c in cols] for r in rows] if rows is not None else [_example(cols)]
    return [
        Sheet(title=SHEET_TITLE, headers=[header_text(c) for c in cols], rows=data,
              widths=[c.width for c in cols], choices=choices),
        Sheet(title=CHOICES_TITLE, headers=["设区市", "产业领域", "平台类型", "考核等次", "是否获得建设支持"],
              rows=allowed_rows, widths=[12, 26, 16, 10, 16]),
        Sheet(title=NOTES_TITLE, headers=["项目", "说明"], rows=NOTES, widths=[24, 90], wrap=[1]),
    ]


def template_bytes(*, rows: list[dict] | None = None, today: date | None = None) -> bytes:
    return xlsx_book_bytes(template_sheets(rows=rows, today=today))
