"""The certificate PDF: rare characters outside the BMP print with a font that has them, its QR code is
embedded, and a second render of a valid certificate does nothing."""

import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest

from pilotbase.documents import pdf_render_pending, pdf_render_release
from pilotbase.models import Base, Certificate, CertificateState
from reviews.services.certification import (
    certificate_pdf_bytes,
    certificate_pdf_key,
    certificate_regenerate,
    certificate_render,
)
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


def test_certificate_regenerate_twice_queues_one_render(certificate, settings, django_capture_on_commit_callbacks):
    import uuid

    from pilotbase.celery import app

    queue = f"test-cert-{uuid.uuid4().hex}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    key = certificate_pdf_key(certificate.pk)
    try:
        for _ in range(2):  # two clicks on 重新生成 before a worker picks the first up
            with django_capture_on_commit_callbacks(execute=True):
                certificate_regenerate(certificate=certificate)
        with app.connection_for_write() as conn:
            assert conn.default_channel.queue_declare(queue=queue, passive=True).message_count == 1
            conn.default_channel.queue_delete(queue)
        assert pdf_render_pending(key)
    finally:
        pdf_render_release(key)
        app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
