"""The application PDF lays out long narrative text in time linear in its length.

Before the fix a 建设方案 of 20,000 CJK characters without spaces took hours (the table's automatic
layout measured the cell's min-content width by re-laying out the rest of the text once per character).
Timings are measured by the benchmark (docs/performance.md), never asserted here: this test proves the
long text renders whole, which the quadratic layout would not do within any test run.
"""

import io

import pytest
from pypdf import PdfReader

from applications import services
from applications.pdf import application_pdf_render

pytestmark = pytest.mark.django_db

PHRASE = "建设中试平台完善工艺验证能力提升产品熟化水平服务区域企业"  # 28 characters, no spaces


def pdf_text(application) -> str:
    with application.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    text = "".join(page.extract_text() for page in reader.pages)
    # Keep only the phrase's characters: the page furniture (受理编号, 第 n 页) and line breaks split the text.
    return "".join(c for c in text if c in PHRASE)


@pytest.mark.parametrize("paragraphs", [False, True], ids=["one-block", "paragraphs"])
def test_pdf_long_construction_plan_renders_whole(draft, applicant, paragraphs):
    plan = (PHRASE * (20_000 // len(PHRASE) + 1))[:20_000]
    if paragraphs:
        plan = "\n".join(plan[i:i + 300] for i in range(0, len(plan), 300))
    draft.construction_plan = plan
    draft.save(update_fields=["construction_plan"])
    app = services.application_submit(application=draft, actor=applicant)
    assert application_pdf_render(application_id=app.pk) in {"rendered", "exists"}
    app.refresh_from_db()
    assert pdf_text(app).count(PHRASE) == 20_000 // len(PHRASE)
