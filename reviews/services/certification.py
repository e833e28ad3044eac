"""认定授牌: public notice (公示), objections (异议), certification, certificates and plaques.

Writes only; every state change goes through `pilotbase.workflow.transition_run`. Notifications are
queued with `notify` inside the transaction (mail leaves after commit); the certificate PDF task is
enqueued with `transaction.on_commit`.

Certificate numbers: ``桂中试认〔<year>〕第<NNN>号`` — the year of `certified_on` and a three-digit
sequence that restarts every year, taken from ``Sequence.next_value(f"certificate-{year}")`` (one
atomic UPSERT, so concurrent certifications never share or skip a number inside a committed
transaction). Example: 桂中试认〔2026〕第001号.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationState, Call
from pilotbase.documents import html_to_pdf, pdf_render_claim, pdf_render_release
from pilotbase.formats import cn_date
from pilotbase.models import Base, Certificate, CertificateState, Sequence, User
from pilotbase.notifications import notify
from pilotbase.recipients import Kind, stakeholders, unit_users
from pilotbase.workdays import add_working_days, calendar, period_last_day
from pilotbase.workflow import WorkflowError, decided, decision, transition_run

from ..models import (
    AssessmentState,
    NoticeEntry,
    NoticeEntryState,
    NoticeKind,
    NoticeState,
    Objection,
    ObjectionState,
    PublicNotice,
)
from ..models.certification import notice_judged_on

log = logging.getLogger(__name__)

TITLE = "广西壮族自治区科技成果转化中试研究基地"
ISSUER = "广西壮族自治区科学技术厅"
CERTIFICATE_NUMBER_FORMAT = "桂中试认〔{year}〕第{sequence:03d}号"
CERTIFICATE_FIELD_PREFIX = "PilotbaseCertificate-"  # + the certificate's token: its signature field's name


def certificate_number(*, year: int, sequence: int) -> str:
    """桂中试认〔2026〕第001号"""
    return CERTIFICATE_NUMBER_FORMAT.format(year=year, sequence=sequence)


# ---- public notice ------------------------------------------------------------------------------
def _check_candidate(application: Application, call: Call) -> None:
    if application.call_id != call.pk:
        raise WorkflowError(_("“%(name)s”不属于本申报批次。") % {"name": application})
    if application.state != ApplicationState.UNDER_REVIEW:
        raise WorkflowError(_("“%(name)s”当前状态为“%(state)s”，不能列入公示名单。")
                            % {"name": application, "state": application.get_state_display()})
    assessment = getattr(application, "assessment", None)
    if assessment is None or assessment.state != AssessmentState.PASSED:
        raise WorkflowError(_("“%(name)s”尚未通过评估论证，不能列入公示名单。") % {"name": application})
    if NoticeEntry.objects.filter(application=application, notice__state__in=[NoticeState.DRAFT, NoticeState.PUBLISHED],
                                  state=NoticeEntryState.LISTED).exists():
        raise WorkflowError(_("“%(name)s”已在另一份未结束的公示中。") % {"name": application})


@decided
def notice_create(
    *, call: Call, applications: Seq[Application], title: str, body: str, starts_on: date, actor: User,
    contact: str = "",
) -> PublicNotice:
    """A draft notice listing `applications` in the given order (usually ranked by total score).

    The period covers call.notice_working_days working days from starts_on (see pilotbase.workdays):
    last_day is its last working day (what the public reads), ends_on the day it may be closed.
    """
    applications = list(applications)
    if not applications:
        raise WorkflowError(_("请至少选择一个拟公示的申报。"))
    if len({a.pk for a in applications}) != len(applications):
        raise WorkflowError(_("公示名单中有重复的申报。"))
    locked = {a.pk: a for a in Application.objects.select_for_update(of=("self",)).filter(pk__in=[a.pk for a in applications])
              .select_related("assessment")}
    for app in applications:
        _check_candidate(locked[app.pk], call)
    cal = calendar()
    ends_on = add_working_days(starts_on, call.notice_working_days, cal)
    notice = PublicNotice.objects.create(
        call=call, title=title, body=body, starts_on=starts_on, ends_on=ends_on,
        last_day=period_last_day(starts_on, ends_on, cal), contact=contact, created_by=actor,
        working_days=call.notice_working_days,
    )
    NoticeEntry.objects.bulk_create(
        [NoticeEntry(notice=notice, application_id=a.pk, order=i) for i, a in enumerate(applications, start=1)]
    )
    return notice


@dataclass(frozen=True)
class BaseLine:
    """A line of a notice about bases (e.g. a round's results): the base and what the public reads of it."""

    base: Base
    text: str


@decided
def notice_create_for_bases(
    *, lines: Seq[BaseLine], title: str, body: str, starts_on: date, working_days: int, actor: User,
    contact: str = "", kind: str = NoticeKind.EVALUATION,
) -> PublicNotice:
    """A draft notice listing bases (no call), in the given order, each with its published text: the same notice,
    period rule, objections and handling as the certification list. The period is `working_days` working days from
    starts_on (see notice_create)."""
    lines = list(lines)
    if not lines:
        raise WorkflowError(_("公示名单中没有基地。"))
    if len({line.base.pk for line in lines}) != len(lines):
        raise WorkflowError(_("公示名单中有重复的基地。"))
    if working_days < 1:
        raise WorkflowError(_("公示期至少为1个工作日。"))
    cal = calendar()
    ends_on = add_working_days(starts_on, working_days, cal)
    notice = PublicNotice.objects.create(
        kind=kind, title=title, body=body, starts_on=starts_on, ends_on=ends_on,
        last_day=period_last_day(starts_on, ends_on, cal), contact=contact, created_by=actor,
        working_days=working_days,
    )
    NoticeEntry.objects.bulk_create(
        [NoticeEntry(notice=notice, base_id=line.base.pk, text=line.text, order=i)
         for i, line in enumerate(lines, start=1)]
    )
    return notice


@decided
def notice_entry_amend(*, entry: NoticeEntry, text: str, actor: User, comment: str = "") -> NoticeEntry:
    """更正公示内容: a listed line's published text changes (e.g. a grade changed after an upheld objection)."""
    text = text.strip()
    if not text:
        raise WorkflowError(_("请填写公示内容。"))
    return transition_run(instance=entry, name="amend", actor=actor, comment=comment, subject=entry.subject,
                          expected_state=NoticeEntryState.LISTED, args={"text": text})


@decided
def notice_publish(*, notice: PublicNotice, actor: User) -> PublicNotice:
    """发布公示: every listed application goes on notice; applicants, authorities and agencies are told. On a
    notice of bases, each listed base's lead unit is told what the notice says of it."""
    notice = transition_run(instance=notice, name="publish", actor=actor, expected_state=NoticeState.DRAFT)
    url = reverse("public:notice_detail", args=[notice.pk])
    if notice.kind != NoticeKind.CERTIFICATION:
        for entry in notice.entries.filter(state=NoticeEntryState.LISTED).select_related("base"):
            notify(recipients=unit_users(entry.base, partners=False), kind=Kind.NOTICE_BASE_LISTED,
                   template="notice_base_listed", url=url,
                   context={"base": entry.base, "notice": notice, "text": entry.text})
        return notice
    entries = notice.entries.filter(state=NoticeEntryState.LISTED).select_related(
        "application__assessment__commission")
    for entry in entries:
        application = transition_run(instance=entry.application, name="put_on_notice", actor=actor,
                                     subject=entry.application)
        notify(recipients=stakeholders(application), kind=Kind.CERTIFICATION_NOTICE_PUBLISHED,
               template="certification_notice_published", url=url,
               context={"application": application, "notice": notice})
    return notice


@decided
def notice_close(*, notice: PublicNotice, actor: User, today: date | None = None) -> PublicNotice:
    """结束公示: the conditions are declared on `PublicNotice.close` (period over, objections handled), judged as
    of `today` (default: today). An early close is refused with the notice's own dates, which the declared
    sentence cannot carry."""
    with notice_judged_on(today):
        locked = PublicNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.too_early_to_close():
            raise WorkflowError(locked.too_early_message())
        return transition_run(instance=locked, name="close", actor=actor)


# ---- objections ---------------------------------------------------------------------------------
@decided
def objection_file(
    *, entry: NoticeEntry, content: str, objector_phone: str, objector_name: str = "", objector_org: str = "",
    evidence: UploadedFile | None = None,
) -> Objection:
    """A written objection from anyone (no login). Identity is kept for staff only."""
    entry = NoticeEntry.objects.select_related("notice").get(pk=entry.pk)
    if entry.notice.state != NoticeState.PUBLISHED or entry.state != NoticeEntryState.LISTED:
        raise WorkflowError(_("该公示已结束或该单位已不在公示名单中，不再受理异议。"))
    if not (objector_name.strip() or objector_org.strip()):
        raise WorkflowError(_("请填写异议人姓名或异议单位名称。"))
    objection = Objection(entry=entry, objector_name=objector_name.strip(), objector_org=objector_org.strip(),
                          objector_phone=objector_phone.strip(), content=content.strip())
    if evidence is not None:
        objection.evidence.save(evidence.name, evidence, save=False)
    objection.save()
    return objection


@decided
def objection_uphold(*, objection: Objection, actor: User, resolution: str) -> Objection:
    """异议成立: the entry leaves the list and the application is not certified; the applicant is told. On a notice
    of bases the line stays listed (the stage that owns the notice decides what changes, e.g. the round lets staff
    change the base's grade with a reason before publishing) and the base's lead unit is told."""
    if not resolution.strip():
        raise WorkflowError(_("请填写处理意见。"))
    objection = transition_run(instance=objection, name="uphold", actor=actor, comment=resolution,
                               expected_state=ObjectionState.PENDING, args={"resolution": resolution})
    entry = objection.entry
    if entry.base_id:
        notify(recipients=unit_users(entry.base, partners=False), kind=Kind.NOTICE_OBJECTION_UPHELD,
               template="notice_objection_upheld",
               context={"base": entry.base, "notice": entry.notice, "reason": resolution})
        return objection
    if entry.state == NoticeEntryState.LISTED:
        entry = transition_run(instance=entry, name="remove", actor=actor, comment=resolution,
                               subject=entry.application, args={"reason": resolution})
        application = entry.application
        if application.state == ApplicationState.ON_NOTICE:
            application = transition_run(instance=application, name="take_off_notice", actor=actor,
                                         comment=resolution)
        application = transition_run(instance=application, name="reject", actor=actor, comment=resolution)
        notify(recipients=unit_users(application), kind=Kind.CERTIFICATION_OBJECTION_UPHELD,
               template="certification_objection_upheld",
               context={"application": application, "notice": entry.notice, "reason": resolution})
    return objection


@decided
def objection_dismiss(*, objection: Objection, actor: User, resolution: str) -> Objection:
    """异议不成立: the entry stays on the list."""
    if not resolution.strip():
        raise WorkflowError(_("请填写处理意见。"))
    return transition_run(instance=objection, name="dismiss", actor=actor, comment=resolution,
                          expected_state=ObjectionState.PENDING, args={"resolution": resolution})


# ---- certification ------------------------------------------------------------------------------
def _base_for(application: Application, *, call: Call, certified_on: date) -> Base:
    if Base.objects.filter(name=application.name).exists():
        raise WorkflowError(_("已存在同名的中试基地“%(name)s”，请先核对名称。") % {"name": application.name})
    city = application.applicant.city or application.authority.city
    if city is None or application.industry is None or application.platform_type is None:
        raise WorkflowError(_("“%(name)s”缺少所在设区市、产业领域或平台类型，不能认定。") % {"name": application})
    base = Base.objects.create(
        name=application.name, lead_unit=application.applicant, city=city, industry=application.industry,
        platform_type=application.platform_type, batch=call.batch_number or 1, certified_on=certified_on,
        construction_years=application.construction_years or 3, services=application.services,
    )
    base.partner_units.set([p.organization_id for p in application.partners.all()])
    return base


def certification_run(*, notice: PublicNotice, actor: User, certified_on: date) -> list[Certificate]:
    """认定: every entry still listed on a closed notice becomes a Base with a numbered Certificate.

    The notice row is locked first, so two staff certifying at once run one after the other; the
    second finds every entry already certified and creates nothing (idempotent). Returns the
    certificates created by this call.
    """
    created: list[Certificate] = []
    with decision():
        locked = PublicNotice.objects.select_for_update(of=("self",)).select_related("call").get(pk=notice.pk)
        if locked.kind != NoticeKind.CERTIFICATION:
            raise WorkflowError(_("只有拟认定名单的公示才能据以认定。"))
        if locked.state != NoticeState.CLOSED:
            raise WorkflowError(_("公示结束后才能认定。"))
        entries = list(
            NoticeEntry.objects.select_for_update(of=("self",)).filter(notice=locked, state=NoticeEntryState.LISTED)
            .order_by("order", "id")
        )
        for entry in entries:
            application = Application.objects.select_related("applicant", "authority").get(pk=entry.application_id)
            if application.base_id:
                continue
            base = _base_for(application, call=locked.call, certified_on=certified_on)
            application = transition_run(instance=application, name="certify", actor=actor, subject=application,
                                         args={"base": base})
            year = certified_on.year
            sequence = Sequence.next_value(f"certificate-{year}")
            certificate = Certificate.objects.create(
                base=base, year=year, sequence=sequence, number=certificate_number(year=year, sequence=sequence),
                issued_on=certified_on,
            )
            transition_run(instance=entry, name="certify", actor=actor, subject=application)
            notify(recipients=stakeholders(application), kind=Kind.CERTIFICATION_CERTIFIED,
                   template="certification_certified",
                   url=reverse("public:verify", args=[certificate.token]),
                   context={"application": application, "base": base, "certificate": certificate})
            created.append(certificate)
        for certificate in created:
            transaction.on_commit(lambda pk=certificate.pk: _enqueue_certificate(pk))
    return created


def certificate_pdf_key(certificate_id: int) -> str:
    return f"certificate:{certificate_id}"


def _enqueue_certificate(certificate_id: int) -> bool:
    """Queue the render unless one is pending (a second 重新生成 click, a redelivery): see pdf_render_claim. With
    the broker down nothing is queued (logged); the certificate stays 生成中 for the outbox sweep."""
    from pilotbase.queue import enqueue

    from ..tasks.certification import render_certificate

    key = certificate_pdf_key(certificate_id)
    if not pdf_render_claim(key):
        log.info("certificate %s: a render is pending already, not queued again", certificate_id)
        return False
    if not enqueue(render_certificate, certificate_id=certificate_id):
        pdf_render_release(key)
        return False
    return True


def certificate_pdf_sweep() -> int:
    """The outbox sweep of certificates (beat): every certificate still 生成中 without its PDF is queued again
    unless a render is pending (the mark), e.g. after the broker was down at certification. Returns how many."""
    pending = (Certificate.objects.filter(state=CertificateState.PENDING, pdf="").order_by("pk")
               .values_list("pk", flat=True)[:500])
    return sum(_enqueue_certificate(pk) for pk in pending)


# ---- certificate PDF ----------------------------------------------------------------------------
def certificate_render(*, certificate_id: int) -> str:
    """Render and sign the PDF, record its SHA-256 and mark the certificate valid. Never creates a certificate
    or a number.

    Idempotent: a valid certificate that already has its PDF, or a revoked one, is left alone. The render
    (about a second) runs outside any row lock; the write is conditional under the lock: if another delivery
    of the task stored a PDF meanwhile (or the certificate was revoked), that one is kept and this file goes.
    """
    certificate = Certificate.objects.select_related("base").get(pk=certificate_id)
    if certificate.state == CertificateState.REVOKED:
        return "revoked"
    if certificate.state == CertificateState.VALID and certificate.pdf:
        return "skipped"
    content = certificate_pdf_signed(certificate)
    digest = hashlib.sha256(content).hexdigest()
    name = f"{certificate.year}-{certificate.sequence:03d}.pdf"
    certificate.pdf.save(name, ContentFile(content), save=False)
    stored, storage = certificate.pdf.name, certificate.pdf.storage
    with decision():
        locked = Certificate.objects.select_for_update(of=("self",)).get(pk=certificate_id)
        if locked.state == CertificateState.REVOKED or (locked.state == CertificateState.VALID and locked.pdf):
            storage.delete(stored)  # ours is referenced by nothing: the stored one stays
            return "revoked" if locked.state == CertificateState.REVOKED else "skipped"
        old = locked.pdf.name if locked.pdf else ""
        if locked.state == CertificateState.PENDING:
            transition_run(instance=locked, name="mark_generated", actor=None,
                           args={"pdf": stored, "pdf_sha256": digest})
        else:
            Certificate.objects.filter(pk=locked.pk).update(pdf=stored, pdf_sha256=digest)
        if old and old != stored:
            transaction.on_commit(lambda: storage.delete(old))
    log.info("certificate %s: PDF signed and stored (sha256 %s)", certificate_id, digest)
    return "generated"


def certificate_signature_field(certificate: Certificate) -> str:
    """The name of the signature field: it tells which certificate an (even altered) copy claims to be."""
    return f"{CERTIFICATE_FIELD_PREFIX}{certificate.token}"


def certificate_pdf_signed(certificate: Certificate) -> bytes:
    """The certificate PDF with the portal's PAdES signature (pilotbase.signing)."""
    from pilotbase.signing import pdf_sign

    return pdf_sign(certificate_pdf_bytes(certificate), field_name=certificate_signature_field(certificate),
                    reason=f"{ISSUER} {certificate.number}", location="广西壮族自治区南宁市")


class PdfOutcome:
    GENUINE = "genuine"  # the very file issued: its SHA-256 is recorded and our signature validates
    ALTERED = "altered"  # it carries our signature or a certificate's field, but is not the file issued
    UNKNOWN = "unknown"  # nothing of ours in it


@dataclass(frozen=True)
class PdfVerdict:
    outcome: str
    certificate: Certificate | None = None  # the certificate the file is (genuine) or claims to be (altered)


def certificate_pdf_verdict(*, content: bytes) -> PdfVerdict:
    """Judge a PDF someone uploaded against the certificates issued. Reads only; never raises on bad input."""
    from pilotbase.signing import pdf_signature_check

    digest = hashlib.sha256(content).hexdigest()
    check = pdf_signature_check(content, field_prefix=CERTIFICATE_FIELD_PREFIX)
    recorded = Certificate.objects.select_related("base").filter(pdf_sha256=digest).first()
    if recorded is not None and check.valid:
        return PdfVerdict(PdfOutcome.GENUINE, recorded)
    if recorded is not None or check.ours:
        return PdfVerdict(PdfOutcome.ALTERED, recorded or _claimed_certificate(check.field_names))
    return PdfVerdict(PdfOutcome.UNKNOWN)


def _claimed_certificate(field_names: Seq[str]) -> Certificate | None:
    import uuid

    for name in field_names:
        if name.startswith(CERTIFICATE_FIELD_PREFIX):
            try:
                token = uuid.UUID(name[len(CERTIFICATE_FIELD_PREFIX):])
            except ValueError:
                continue
            found = Certificate.objects.select_related("base").filter(token=token).first()
            if found is not None:
                return found
    return None


def certificate_verify_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("public:verify", args=[certificate.token])


def certificate_pdf_bytes(certificate: Certificate) -> bytes:
    """A4 landscape certificate in Chinese with a QR code to the public verification page."""
    import segno

    base = certificate.base
    verify_url = certificate_verify_url(certificate)
    qr = segno.make(verify_url, error="m").svg_data_uri(scale=4, border=1)
    return html_to_pdf("reviews/certification/certificate_pdf.html", {
        "certificate": certificate, "base": base, "partners": list(base.partner_units.all()), "qr": qr, "verify_url": verify_url, "title": TITLE, "issuer": ISSUER,
    })


# ---- plaque -------------------------------------------------------------------------------------
@decided
def plaque_record(*, base: Base, issued_on: date, received_by: str, actor: User) -> Base:
    """标牌: record when the uniform plaque was handed over and who received it."""
    if not received_by.strip():
        raise WorkflowError(_("请填写标牌领取人。"))
    if base.certified_on and issued_on < base.certified_on:
        raise WorkflowError(_("标牌颁发日期不能早于认定日期。"))
    application = Application.objects.filter(base=base).first()
    return transition_run(instance=base, name="record_plaque", actor=actor, subject=application or base,
                          comment=_("%(day)s颁发，领取人：%(who)s") % {"day": cn_date(issued_on), "who": received_by.strip()},
                          args={"plaque_issued_on": issued_on, "plaque_received_by": received_by.strip()})


def certificate_regenerate(*, certificate: Certificate) -> None:
    """Queue the PDF again (e.g. after a failure in inline mode); the task itself is idempotent."""
    transaction.on_commit(lambda: _enqueue_certificate(certificate.pk))
