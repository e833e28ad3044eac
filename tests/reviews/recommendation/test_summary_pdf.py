"""The 推荐汇总表 PDF: the base name has a column wide enough for it, and the seal line appears once."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from reviews.models import RecommendationBatch

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils")]

NAME = "广西新材料科技成果转化中试研究基地"  # 17 characters: the automatic layout had wrapped it every 4


def layout_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "summary.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout


def test_summary_pdf_prints_the_base_name_on_one_line_and_the_seal_once(submitted, authority_user, client):
    from reviews.services.recommendation import recommendation_recommend

    rec = submitted(name=NAME)
    recommendation_recommend(recommendation=rec, actor=authority_user, opinion="同意推荐。" * 30)
    batch = RecommendationBatch.objects.get(authority=authority_user.organization)
    client.force_login(authority_user)
    response = client.get(reverse("reviews:rec_batch_summary", args=[batch.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    text = layout_text(response.content)
    assert any(NAME in line for line in text.splitlines())
    assert text.count("推荐单位（盖章）") == 1
    assert f"推荐单位：{authority_user.organization.name}" in text
