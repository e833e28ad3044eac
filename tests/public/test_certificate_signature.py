"""Tamper-evident certificates: the PDF is signed (PAdES) and its SHA-256 recorded; the public verification page
shows the base's unit, city, batch and validity, and tells of an uploaded PDF whether it is the genuine file,
an altered one or unknown."""

import hashlib
import uuid
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilotbase.documents import html_string_to_pdf
from pilotbase.models import Base, Certificate, CertificateState
from pilotbase.signing import pdf_sign, pdf_signature_check, signing_certificate, signing_key_pair
from public.throttle import RateLimit
from reviews.services import certification as svc
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate():
    base = Base.objects.create(name="广西新材料科技成果转化中试研究基地", lead_unit=f.ApplicantOrgFactory(name="广西新材料研究院"),
                               city=f.city(), industry=f.industry(), platform_type=f.platform_type(), batch=2,
                               certified_on=date(2026, 11, 28))
    return Certificate.objects.create(base=base, number="桂中试认〔2026〕第001号", year=2026, sequence=1,
                                      issued_on=date(2026, 11, 28))


@pytest.fixture
def issued(certificate) -> bytes:
    assert svc.certificate_render(certificate_id=certificate.pk) == "generated"
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as fh:
        return fh.read()


def _upload(client, certificate, content: bytes, name: str = "证书.pdf"):
    return client.post(reverse("public:verify", args=[certificate.token]),
                       {"pdf": SimpleUploadedFile(name, content, content_type="application/pdf")})


def _outcome(response) -> str:
    html = response.content.decode()
    marker = 'data-outcome="'
    return html[html.index(marker) + len(marker):].split('"', 1)[0] if marker in html else ""


def _altered(pdf: bytes) -> bytes:
    """One byte changed inside the first content stream (the page's text and drawing)."""
    i = pdf.index(b"stream", pdf.index(b"/Length")) + 40
    return pdf[:i] + bytes([pdf[i] ^ 0x01]) + pdf[i + 1:]


# ---- signing and the recorded hash -------------------------------------------------------------------------
def test_the_issued_pdf_is_signed_pades_by_our_certificate_and_validates(certificate, issued):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    signatures = PdfFileReader(BytesIO(issued)).embedded_signatures
    assert [s.field_name for s in signatures] == [f"PilotbaseCertificate-{certificate.token}"]
    signature = signatures[0]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert signature.signer_cert.dump() == signing_certificate().dump()
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[signing_certificate()]))
    assert (status.intact, status.valid, status.trusted, status.coverage) == (
        True, True, True, SignatureCoverageLevel.ENTIRE_FILE)


def test_the_signed_files_sha256_is_recorded_and_the_certificate_valid(certificate, issued):
    assert certificate.pdf_sha256 == hashlib.sha256(issued).hexdigest()
    assert certificate.state == CertificateState.VALID
    assert svc.certificate_render(certificate_id=certificate.pk) == "skipped"
    certificate.refresh_from_db()
    assert certificate.pdf_sha256 == hashlib.sha256(issued).hexdigest()


def test_a_render_that_loses_the_race_keeps_the_stored_file(certificate, monkeypatch):
    """Two deliveries render at once (outside the lock): the first to write wins, the other's file goes."""
    real = svc.certificate_pdf_signed
    calls = []

    def slow_render(cert):
        calls.append(cert.pk)
        if len(calls) == 1:  # while this delivery renders, another one finishes first
            assert svc.certificate_render(certificate_id=cert.pk) == "generated"
        return real(cert)

    monkeypatch.setattr(svc, "certificate_pdf_signed", slow_render)
    result = svc.certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as fh:
        stored = fh.read()
    assert (result, len(calls)) == ("skipped", 2)
    assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256
    folder = Path(certificate.pdf.storage.path(certificate.pdf.name)).parent
    assert [p.name for p in folder.iterdir()] == [Path(certificate.pdf.name).name]  # the loser's file is gone


def test_the_self_signed_pair_is_made_once_and_reused(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first = signing_key_pair()
    key = first.key_file.read_bytes()
    second = signing_key_pair()
    assert (first.self_signed, second.key_file, second.key_file.read_bytes()) == (True, first.key_file, key)
    assert oct(first.key_file.stat().st_mode & 0o777) == "0o600"


def test_a_configured_key_with_a_passphrase_signs(settings, tmp_path):
    from cryptography.hazmat.primitives import serialization

    from pilotbase import signing

    settings.VAR_DIR = tmp_path / "made"
    made = signing_key_pair()  # a pair to "configure", then encrypted with a passphrase
    key = serialization.load_pem_private_key(made.key_file.read_bytes(), password=None)
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"s3cret")))
    (tmp_path / "cert.pem").write_bytes(made.cert_file.read_bytes())
    settings.VAR_DIR = tmp_path / "unused"
    settings.PILOTBASE_SIGNING_KEY_FILE = str(tmp_path / "key.pem")
    settings.PILOTBASE_SIGNING_CERT_FILE = str(tmp_path / "cert.pem")
    settings.PILOTBASE_SIGNING_KEY_PASSPHRASE = "s3cret"
    signed = pdf_sign(html_string_to_pdf("<p>测试</p>"), field_name="PilotbaseCertificate-x", reason="测试")
    check = signing.pdf_signature_check(signed, field_prefix="PilotbaseCertificate-")
    assert (check.ours, check.valid, signing_key_pair().self_signed) == (True, True, False)
    assert not (tmp_path / "unused").exists()  # nothing self-signed was made


def test_signing_and_checking_work_while_an_event_loop_runs():
    """An event loop running in the caller's thread (an async caller; Playwright's sync API in the browser tests)
    made pyHanko's asyncio.run refuse: the render task failed and the certificate stayed 生成中."""
    import asyncio

    async def inside_a_running_loop():
        signed = pdf_sign(html_string_to_pdf("<p>测试</p>"), field_name="PilotbaseCertificate-x", reason="测试")
        return pdf_signature_check(signed, field_prefix="PilotbaseCertificate-")

    check = asyncio.run(inside_a_running_loop())
    assert (check.ours, check.valid) == (True, True)


# ---- the verification page ---------------------------------------------------------------------------------
def test_the_page_shows_unit_city_batch_and_validity(client, certificate, issued):
    response = client.get(reverse("public:verify", args=[certificate.token]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "广西新材料研究院" in html and certificate.base.city.name in html
    assert certificate.base.batch_label in html
    assert "自2026年11月28日起有效" in html
    assert 'enctype="multipart/form-data"' in html


def test_uploading_the_issued_file_says_genuine(client, certificate, issued):
    response = _upload(client, certificate, issued)
    assert (response.status_code, _outcome(response)) == (200, "genuine")
    assert "桂中试认〔2026〕第001号" in response.content.decode()


def test_a_byte_altered_copy_is_reported_altered(client, certificate, issued):
    altered = _altered(issued)
    assert hashlib.sha256(altered).hexdigest() != certificate.pdf_sha256
    assert pdf_signature_check(altered, field_prefix="PilotbaseCertificate-").valid is False
    response = _upload(client, certificate, altered)
    assert (response.status_code, _outcome(response)) == (200, "altered")
    assert "它自称是证书 桂中试认〔2026〕第001号" in response.content.decode()


def test_a_copy_with_the_signature_but_a_changed_tail_is_altered(client, certificate, issued):
    """Bytes appended after the signature (an incremental update): not the file issued."""
    response = _upload(client, certificate, issued + b"\n% appended\n")
    assert _outcome(response) == "altered"


def test_a_random_pdf_is_unknown(client, certificate, issued):
    response = _upload(client, certificate, html_string_to_pdf("<h1>广西新材料科技成果转化中试研究基地</h1>"))
    assert (response.status_code, _outcome(response)) == (200, "unknown")


def test_a_pdf_signed_by_someone_else_is_unknown(client, certificate, issued, settings, tmp_path):
    ours, settings.VAR_DIR = settings.VAR_DIR, tmp_path  # another installation's self-signed key
    other = pdf_sign(html_string_to_pdf("<p>伪造</p>"), field_name="Signature1", reason="伪造")
    assert pdf_signature_check(other, field_prefix="PilotbaseCertificate-").ours  # by that installation's key
    settings.VAR_DIR = ours
    assert pdf_signature_check(other, field_prefix="PilotbaseCertificate-").ours is False
    response = _upload(client, certificate, other)
    assert _outcome(response) == "unknown"


def test_a_file_that_is_not_a_pdf_is_refused(client, certificate):
    response = _upload(client, certificate, b"PK\x03\x04 not a pdf at all", name="证书.pdf")
    assert (response.status_code, _outcome(response)) == (400, "")
    assert 'id="form-errors"' in response.content.decode()


def test_a_big_file_is_refused_before_it_is_parsed(client, certificate, monkeypatch):
    monkeypatch.setattr("pilotbase.signing.pdf_signature_check", lambda *a, **k: pytest.fail("parsed"))
    response = _upload(client, certificate, b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024))
    assert (response.status_code, _outcome(response)) == (400, "")
    assert "MB" in response.content.decode()


def test_uploads_are_rate_limited_per_address(client, certificate, monkeypatch):
    from public.views import notices

    monkeypatch.setattr(notices, "CERTIFICATE_CHECKS", RateLimit("certificate-check", limit=2, window=60))
    statuses = [_upload(client, certificate, b"not a pdf").status_code for _ in range(3)]
    other_address = client.post(reverse("public:verify", args=[certificate.token]), {},
                                REMOTE_ADDR="203.0.113.9").status_code
    assert (statuses, other_address) == ([400, 400, 429], 400)


def test_an_unknown_code_still_answers_404_without_a_form(client, certificate):
    import uuid

    response = client.post(reverse("public:verify", args=[uuid.uuid4()]),
                           {"pdf": SimpleUploadedFile("c.pdf", b"%PDF-1.7", content_type="application/pdf")})
    assert response.status_code == 404
    assert 'enctype="multipart/form-data"' not in response.content.decode()


def test_verify_page_unknown_token_explains_and_answers_404(client, db):
    response = client.get(reverse("public:verify", args=[uuid.uuid4()]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "未查到该证书，请核对二维码或核验码" in html
    assert "中试基地认定证书核验" in html
