"""The application PDF prints characters outside the BMP (CJK Extension B) with a font that has them."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from applications import services
from applications.pdf import application_pdf_render

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils")]


def test_application_pdf_prints_extension_b_in_the_base_name(draft, applicant):
    draft.name = "广西𠀀𪚥新材料科技成果转化中试研究基地"
    draft.save(update_fields=["name"])
    app = services.application_submit(application=draft, actor=applicant)
    assert application_pdf_render(application_id=app.pk) in {"rendered", "exists"}
    app.refresh_from_db()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "app.pdf"
        with app.pdf.open("rb") as fh:
            path.write_bytes(fh.read())
        text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
        fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    assert "广西𠀀𪚥新材料" in text
    assert "HanaMinB" in fonts
