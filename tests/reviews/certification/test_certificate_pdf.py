"""The certificate PDF: rare characters outside the BMP print with a font that has them, its QR code is
embedded, and a second render of a valid certificate does nothing."""

import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest

from pilotbase.models import Base, Certificate, CertificateState
from reviews.services.certification import certificate_pdf_bytes, certificate_render
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils")]

RARE = "𠀀"  # U+20000, CJK Extension B: found in real names of people and places


def poppler(tool: str, pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        args = [tool, str(path)] + (["-"] if tool == "pdftotext" else [])
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def certificate():
    base = Base.objects.create(name=f"广西{RARE}新材料科技成果转化中试研究基地", lead_unit=f.ApplicantOrgFactory(),
                               city=f.city(), industry=f.industry(), platform_type=f.platform_type(), batch=1,
                               certified_on=date(2026, 11, 28))
    return Certificate.objects.create(base=base, number="桂中试〔2026〕001号", year=2026, sequence=1,
                                      issued_on=date(2026, 11, 28))


def test_certificate_pdf_prints_extension_b_with_an_embedded_font_that_has_it(certificate):
    pdf = certificate_pdf_bytes(certificate)
    assert f"广西{RARE}新材料" in poppler("pdftotext", pdf)
    fonts = poppler("pdffonts", pdf)
    assert "HanaMinB" in fonts  # the fallback that covers Extension B, subset and embedded
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded


def test_certificate_render_stores_the_pdf_once(certificate):
    assert certificate_render(certificate_id=certificate.pk) == "generated"
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.VALID
    with certificate.pdf.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert certificate_render(certificate_id=certificate.pk) == "skipped"
