"""Upload checks shared by every stage: the type is decided by the file's content (magic bytes, via
`filetype`), never by its name or the browser; executables and scripts are refused whatever they are called.
Content that could act when a reviewer opens the file is refused too: PDFs with scripts, launch actions,
embedded files or automatic actions, files that are also HTML (polyglots), and archives (zip, docx, xlsx,
ofd) that would expand past a limit. Archives are judged from their central directory, never extracted.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Executables and scripts are refused whatever they are called.
_EXECUTABLE_MAGIC = (
    (b"\x7fELF", "ELF"),
    (b"MZ", "Windows PE"),
    (b"\xfe\xed\xfa\xce", "Mach-O"), (b"\xfe\xed\xfa\xcf", "Mach-O"),
    (b"\xce\xfa\xed\xfe", "Mach-O"), (b"\xcf\xfa\xed\xfe", "Mach-O"),
    (b"\xca\xfe\xba\xbe", "Mach-O"),
    (b"#!", gettext_lazy("脚本")),
)
_ALIASES = {"jpeg": "jpg", "tiff": "tif"}
TYPE_NAMES = {"pdf": "PDF", "jpg": "JPG", "png": "PNG", "docx": "Word (docx)", "xlsx": "Excel (xlsx)",
              "zip": "ZIP", "ofd": "OFD"}


def _norm(ext: str) -> str:
    ext = ext.lower().lstrip(".")
    return _ALIASES.get(ext, ext)


@dataclass(frozen=True)
class CheckedUpload:
    mime: str
    extension: str
    sha256: str


def upload_check(*, uploaded_file: UploadedFile, allowed: list[str], max_size_mb: int,
                 match_name: bool = True) -> CheckedUpload:
    """Raise ValidationError (in Chinese) unless the upload is an allowed type by content and within size.

    `match_name`: the file name's extension must also be allowed and agree with the content (attachments,
    whose names are shown to reviewers); without it only the content counts (scans and photos, which are
    stored under the detected extension).
    """
    import filetype

    allowed = [_norm(a) for a in allowed]
    shown = "、".join(TYPE_NAMES.get(a, a.upper()) for a in allowed)
    name = uploaded_file.name or ""
    size = uploaded_file.size or 0
    if size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件，请重新选择。") % {"name": name}, code="empty")
    if size > max_size_mb * 1024 * 1024:
        raise ValidationError(
            _("文件“%(name)s”大小为 %(size).1f MB，超过了 %(max)d MB 的上限，请压缩后再上传。")
            % {"name": name, "size": size / 1024 / 1024, "max": max_size_mb}, code="too_big")
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    for magic, label in _EXECUTABLE_MAGIC:
        if head.startswith(magic):
            raise ValidationError(
                _("文件“%(name)s”是可执行程序或脚本（%(kind)s），不能作为附件上传。") % {"name": name, "kind": label},
                code="executable")
    kind = filetype.guess(head)
    actual = _norm(kind.extension) if kind else ""
    if match_name:
        ext = _norm(name.rsplit(".", 1)[-1]) if "." in name else ""
        if ext not in allowed:
            raise ValidationError(
                _("文件“%(name)s”的类型不被接受，本项附件只接受 %(types)s 格式。") % {"name": name, "types": shown},
                code="extension")
        if actual != ext:
            raise ValidationError(
                _("文件“%(name)s”的内容不是有效的 %(type)s 文件（扩展名与实际内容不符），请上传真实的 %(types)s 文件。")
                % {"name": name, "type": TYPE_NAMES.get(ext, ext.upper()), "types": shown}, code="content")
    elif actual not in allowed:
        raise ValidationError(
            _("文件“%(name)s”不是 %(types)s 文件（按文件内容识别），请重新选择。") % {"name": name, "types": shown},
            code="content")
    data = b"".join(uploaded_file.chunks())  # within max_size_mb and PILOTBASE_MAX_REQUEST_MB
    uploaded_file.seek(0)
    _content_check(name=name, data=data)
    return CheckedUpload(mime=kind.mime, extension=actual, sha256=hashlib.sha256(data).hexdigest())


def upload_store(record, *, upload: UploadedFile, allowed: list[str], max_size_mb: int):
    """Check `upload` by content and store it on a new attachment `record` (a model with `file`, `name`,
    `extension`, `sha256` and `size`); the file is kept under its hash. A refusal is a `WorkflowError` made of
    the check's sentences, as the services raise it."""
    from .workflow import WorkflowError

    try:
        checked = upload_check(uploaded_file=upload, allowed=allowed, max_size_mb=max_size_mb)
    except ValidationError as exc:
        raise WorkflowError("；".join(exc.messages)) from None
    record.name = (upload.name or "")[:200]
    record.extension, record.sha256, record.size = checked.extension, checked.sha256, upload.size or 0
    record.file.save(f"{checked.sha256}.{checked.extension}", upload, save=False)
    record.save()
    return record


def _content_check(*, name: str, data: bytes) -> None:
    if _POLYGLOT.search(data[:_POLYGLOT_WINDOW]):
        raise ValidationError(
            _("文件“%(name)s”中含有网页代码（HTML/脚本），不能作为附件上传。请重新导出或扫描后上传。") % {"name": name},
            code="polyglot")
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:  # viewers accept the header anywhere in 1 KB
        _pdf_check(name=name, data=data)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        _archive_check(name=name, data=data)


# HTML in the first KBs: a browser or a mail client sniffing the file would run it as a page.
_POLYGLOT_WINDOW = 4096
_POLYGLOT = re.compile(rb"<\s*(html|script|body|iframe|svg|!doctype\s+html)\b", re.IGNORECASE)

# --- PDF ------------------------------------------------------------------------------------------------
# Names of active content: scripts (a JavaScript action has /S /JavaScript and /JS), launching programs,
# embedded files, automatic actions (/AA: on open, on page view, on field change). /OpenAction alone (open at
# page 1) is harmless; with a script it carries /JavaScript and /JS. Long names are looked for in the whole
# file; the short ones (/JS, /AA) only outside stream data, where three random bytes of an image could match.
_DELIM = rb"(?![^\s()<>\[\]{}/%])"
_ACTIVE_LONG = re.compile(rb"/(JavaScript|Launch|EmbeddedFiles?|RichMedia)" + _DELIM)
_ACTIVE_SHORT = re.compile(rb"/(JS|AA)" + _DELIM)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")  # /J#61vaScript is /JavaScript
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_OTHER_FILTERS = re.compile(rb"/(ASCIIHexDecode|ASCII85Decode|LZWDecode|RunLengthDecode|Crypt|AHx|A85|LZW|RL)"
                            + _DELIM)
_OBJSTM_MAX = 64 * 1024 * 1024


def _unescape(raw: bytes) -> bytes:
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def _pdf_parts(data: bytes) -> tuple[bytes, list[bytes]]:
    """The file without stream data (dictionaries, where names live), and the decompressed object streams
    (PDF 1.5 keeps dictionaries compressed in /ObjStm streams). ValueError if an object stream cannot be read."""
    outside, objstms = [], []
    pos = 0
    while match := _STREAM.search(data, pos):
        before = data[pos:match.start()]
        outside.append(before)
        header = _unescape(before)
        end = _stream_end(data, match.end(), header)
        if b"/ObjStm" in header:
            if _OTHER_FILTERS.search(header) or b"/FlateDecode" not in header or b"/DecodeParms" in header:
                raise ValueError("object stream with a filter we do not read")
            inflate = zlib.decompressobj()
            try:
                objstms.append(inflate.decompress(data[match.end():end], _OBJSTM_MAX))
            except zlib.error as exc:  # encrypted, or not what it says
                raise ValueError("object stream cannot be decompressed") from exc
            if not inflate.eof:  # cut short, or larger than any real object stream
                raise ValueError("object stream incomplete or too large")
        pos = end
    outside.append(data[pos:])
    return b"\n".join(outside), objstms  # joined apart: no name made of two halves


_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\d)(?!\s+\d+\s+R)")  # direct, not "/Length 6 0 R"
_ENDSTREAM = re.compile(rb"\s*endstream")


def _stream_end(data: bytes, start: int, header: bytes) -> int:
    """Where a stream's data ends: its direct /Length when that lands on `endstream`, else the next
    `endstream` (compressed data could contain the word; the declared length cannot be fooled by it)."""
    lengths = _LENGTH.findall(header)
    if lengths:
        end = start + int(lengths[-1])
        if end <= len(data) and _ENDSTREAM.match(data, end):
            return end
    end = data.find(b"endstream", start)
    return len(data) if end == -1 else end


def _pdf_check(*, name: str, data: bytes) -> None:
    try:
        outside, objstms = _pdf_parts(data)
    except ValueError:
        raise ValidationError(
            _("文件“%(name)s”的内容无法检查（可能已加密，或使用了不常见的压缩方式）。请取消密码保护或“另存为”普通 PDF 后再上传。")
            % {"name": name}, code="pdf_unreadable") from None
    found = _ACTIVE_LONG.findall(_unescape(data)) + _ACTIVE_SHORT.findall(_unescape(outside))
    for objstm in objstms:
        objstm = _unescape(objstm)
        found += _ACTIVE_LONG.findall(objstm) + _ACTIVE_SHORT.findall(objstm)
    if found:
        raise ValidationError(
            _("文件“%(name)s”含有脚本、自动执行的动作或内嵌文件（%(what)s），可能危害审阅者的电脑，不能上传。"
              "请用“打印为 PDF”或“另存为”重新生成后再上传。")
            % {"name": name, "what": ", ".join(sorted({"/" + f.decode() for f in found}))}, code="pdf_active")


# --- Archives (zip, and the Office and OFD formats built on it) -------------------------------------------
_ARCHIVE_MAX_MEMBERS = 10_000


def _archive_check(*, name: str, data: bytes) -> None:
    """Judged from the central directory only (infolist), never extracted."""
    max_mb = settings.PILOTBASE_ARCHIVE_MAX_MB
    max_ratio = settings.PILOTBASE_ARCHIVE_MAX_RATIO
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise ValidationError(_("文件“%(name)s”不是完整有效的压缩文件（文件已损坏），请重新生成后上传。")
                              % {"name": name}, code="archive_broken") from None
    expanded = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    # A member is suspicious when it is large once expanded and expands absurdly (a few KB of zeros per MB);
    # members that share their compressed data (overlapping entries) declare more than the file holds.
    absurd = [m for m in members if m.file_size > 1024 * 1024 and m.file_size > max_ratio * max(m.compress_size, 1)]
    if (len(members) > _ARCHIVE_MAX_MEMBERS or expanded > max_mb * 1024 * 1024 or absurd
            or packed > len(data)):
        raise ValidationError(
            _("文件“%(name)s”解压后约 %(size).0f MB（%(count)d 个文件），超过了 %(max)d MB 的上限或压缩比异常，不能上传。"
              "请删除不需要的内容，或分成几个文件上传。")
            % {"name": name, "size": expanded / 1024 / 1024, "count": len(members), "max": max_mb},
            code="archive_too_big")
