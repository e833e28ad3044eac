"""Upload checks shared by every stage: the type is decided by the file's content (magic bytes, via
`filetype`), never by its name or the browser; executables and scripts are refused whatever they are called.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

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
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return CheckedUpload(mime=kind.mime, extension=actual, sha256=digest.hexdigest())
