"""Import of bases certified on paper before the portal (issue 8): the dry run, the file kept for the
confirmation, and the import in one transaction.

What an imported row becomes:
- its units: reused by 统一社会信用代码, or created as applicant units under the bureau of the base's city;
- the `Base` (active) with its partners;
- its `Certificate` with the ORIGINAL number, created valid and without a PDF: the paper certificate is the
  document; a portal-made PDF would look like a second original that nobody issued. `year` is the year of
  certification and `sequence` is taken from the same counter as the portal's numbers
  (`certificate-<year>`), so (year, sequence) stays unique and later numbers of that year follow on.
  The public verification page reads the record, so it works without a file;
- `EvaluationResult` rows (source=imported) for the earlier years' grades, and a `PriorSupport` when it
  received construction support.
The log: one `BaseImport` (who, when, file name, SHA-256, the file itself) for the confirmation as a whole,
and one 「导入既有基地」 TransitionLog row per base with the base as subject, so the base's timeline starts
with where it came from. Both are written in the import's transaction under one decision id.
"""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilotbase.documents import official_language
from pilotbase.models import (
    Base,
    Certificate,
    CertificateState,
    Organization,
    OrgKind,
    Sequence,
    UnitType,
    User,
)
from pilotbase.workflow import WorkflowError, decision, transition_log

from ..importer.check import ImportPlan, Unit, check_workbook
from ..models import BaseImport, EvaluationResult, PriorSupport, ResultSource
from ..rules import may_import_bases

IMPORT_LABEL = gettext_lazy("导入既有基地")
PENDING_DIR = "evaluations/pending"
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class ImportRefused(WorkflowError):
    """The file has problems: nothing was imported. `plan` lists them by row and column."""

    def __init__(self, plan: ImportPlan):
        self.plan = plan
        super().__init__(_("文件中有 %(n)d 处问题，未导入任何数据。") % {"n": len(plan.problems)})


# ---- the file between the dry run and the confirmation ------------------------------------------------
def _pending_name(token: str) -> str:
    if not _TOKEN_RE.match(token or ""):
        raise ValueError("bad token")
    return f"{PENDING_DIR}/{token}.xlsx"


def pending_save(*, content: bytes) -> str:
    """Keep a checked file in private storage until the staff confirm; the token goes into their session."""
    token = secrets.token_urlsafe(24)
    default_storage.save(_pending_name(token), ContentFile(content))
    return token


def pending_read(token: str) -> bytes | None:
    try:
        name = _pending_name(token)
    except ValueError:
        return None
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def pending_discard(token: str) -> None:
    try:
        name = _pending_name(token)
    except ValueError:
        return
    if default_storage.exists(name):
        default_storage.delete(name)


# ---- the dry run and the import -----------------------------------------------------------------------
def base_import_check(*, content: bytes, filename: str) -> ImportPlan:
    """The dry run: reads only."""
    return check_workbook(content, filename=filename)


def _unit_type(name: str) -> str:
    """What kind of unit a new one is, from its name (staff correct it in the admin when needed)."""
    for words, kind in ((("大学", "学院", "学校"), UnitType.UNIVERSITY),
                        (("研究院", "研究所", "科学院", "研究中心"), UnitType.INSTITUTE),
                        (("管理委员会", "园区", "开发区"), UnitType.PARK),
                        (("公司", "集团", "厂"), UnitType.ENTERPRISE)):
        if any(w in name for w in words):
            return kind
    return UnitType.OTHER


def _organization(unit: Unit) -> Organization:
    if unit.existing is not None:
        return unit.existing
    return Organization.objects.create(
        name=unit.name, kind=OrgKind.APPLICANT, unit_type=_unit_type(unit.name), credit_code=unit.code,
        city=unit.city, authority=unit.authority,
    )


def base_import_run(*, content: bytes, filename: str, actor: User) -> BaseImport:
    """Check the file again (the database may have changed since the dry run) and import it in one
    transaction; raise ImportRefused with the problems, or WorkflowError if someone was faster."""
    if not may_import_bases(actor):
        raise PermissionDenied(_("您没有权限执行该操作。"))
    try:
        with decision():
            plan = check_workbook(content, filename=filename)
            if not plan.ok:
                raise ImportRefused(plan)
            record = _write(plan, content=content, actor=actor)
    except IntegrityError:
        raise WorkflowError(_("导入未完成：其间有人登记了相同的基地、证书或单位。请重新上传文件检查。")) from None
    return record


def _write(plan: ImportPlan, *, content: bytes, actor: User) -> BaseImport:
    record = BaseImport.objects.create(imported_by=actor, filename=plan.filename[:255], sha256=plan.sha256,
                                       row_count=len(plan.rows))
    orgs = {code: _organization(unit) for code, unit in plan.units.items()}
    results, supports, bases = [], [], []
    for row in plan.rows:
        base = Base.objects.create(
            name=row.name, lead_unit=orgs[row.lead], city=row.city, industry=row.industry,
            platform_type=row.platform_type, batch=row.batch, certified_on=row.certified_on,
        )
        base.partner_units.set([orgs[code] for code in row.partners])
        year = row.certified_on.year
        # Created valid: the certificate was issued on paper years ago (no PDF, no "generated" transition).
        Certificate.objects.create(base=base, number=row.number, year=year,
                                   sequence=Sequence.next_value(f"certificate-{year}"),
                                   issued_on=row.certified_on, state=CertificateState.VALID)
        results += [EvaluationResult(base=base, year=y, grade=g, source=ResultSource.IMPORTED, base_import=record)
                    for y, g in sorted(row.grades.items())]
        if row.support:
            supports.append(PriorSupport(base=base, amount=row.support[0], year=row.support[1], base_import=record))
        with official_language():
            comment = _("由文件“%(file)s”第%(row)d行导入（平台上线前认定），证书编号%(number)s。") % {
                "file": plan.filename, "row": row.row, "number": row.number}
        transition_log(record=base, subject=base, transition="import", label=IMPORT_LABEL, from_state="",
                       to_state=base.state, actor=actor, comment=comment)
        bases.append(base)
    record.bases.set(bases)
    EvaluationResult.objects.bulk_create(results)
    PriorSupport.objects.bulk_create(supports)
    record.file.save(f"{plan.sha256}.xlsx", ContentFile(content), save=True)
    return record
