"""Access matrix: every URL that takes an object id × every role, on one certified base.

One world is built once per module through the real services: 广西示范新材料有限公司 (A, consortium with
partner C) under 南宁市科学技术局 (X) applies, is recommended, passes the formal check, is assessed by
agency P with expert E on the panel (site visit with a file), is put on notice (an objection with evidence,
dismissed) and certified with a certificate PDF. Outsiders: applicant B under 柳州 (Y), agency Q, expert F.

Rules: what a signed-in user may not see answers 404; a visible record with a forbidden action 403
(docs/architecture.md); anonymous users are sent to the login page, except on /public/… (and the home page).
Each test runs in a savepoint of the module's transaction, so POSTs change nothing for the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from applications import services as intake
from applications.demo import tiny_pdf
from applications.models import Partner
from pilotbase import registration as reg_svc
from pilotbase.models import AuthorityKind, Certificate, ExpertKind
from pilotbase.reference_data import ensure_loaded
from reviews.models import FormalCheck, Recommendation, RecommendationBatch
from reviews.services import assessment as assess
from reviews.services import certification as cert
from reviews.services import recommendation as rec_svc

from . import factories as f

pytestmark = pytest.mark.django_db

ANON = "anonymous"
PERSONAS = ("applicant", "partner", "other_applicant", "authority", "other_authority", "regional", "department",
            "admin", "agency", "other_agency", "expert", "other_expert", "requester", ANON)
SIGNED_IN = PERSONAS[:-1]
STAFF = ("department", "admin")
APP_VIEWERS = ("applicant", "partner", "authority", *STAFF)  # who sees the application record
EXPERT_NAME = ("韦", "评审甲")  # E; the panel's names are all distinct, none is part of another
OBJECTOR = ("王异议", "13800001111")

FILE, LOGIN = "file", "login"  # a download (200 + Content-Disposition); a redirect to the login page


def pdf(name: str, text: str = "matrix") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")


# ---- the world -------------------------------------------------------------------------------------------
@dataclass
class World:
    users: dict  # persona → User
    ids: dict  # object key used in ROWS → pk
    panel: list  # names of the experts on A's panel
    sessions: dict = field(default_factory=dict)  # persona → session key, signed in once for the module


def _people() -> dict:
    ensure_loaded()
    x = f.AuthorityFactory(name="南宁市科学技术局（矩阵）")
    y = f.AuthorityFactory(name="柳州市科学技术局（矩阵）", city=f.city("liuzhou"))
    org_a = f.ApplicantOrgFactory(name="广西示范新材料有限公司（矩阵）", authority=x)
    org_c = f.ApplicantOrgFactory(name="广西共建伙伴材料有限公司（矩阵）", authority=x)
    org_b = f.ApplicantOrgFactory(name="柳州另一家企业有限公司（矩阵）", authority=y, city=f.city("liuzhou"))
    return {
        "applicant": f.ApplicantUserFactory(username="mx_applicant", organization=org_a),
        "partner": f.ApplicantUserFactory(username="mx_partner", organization=org_c),
        "other_applicant": f.ApplicantUserFactory(username="mx_other_applicant", organization=org_b),
        "authority": f.AuthorityUserFactory(username="mx_authority", organization=x),
        "other_authority": f.AuthorityUserFactory(username="mx_other_authority", organization=y),
        "regional": f.AuthorityUserFactory(username="mx_regional", organization=f.AuthorityFactory(
            name="自治区工业和信息化厅（矩阵）", authority_kind=AuthorityKind.REGIONAL_DEPARTMENT)),
        "department": f.DepartmentUserFactory(username="mx_department"),
        "admin": f.AdminUserFactory(username="mx_admin"),
        "agency": f.AgencyUserFactory(username="mx_agency", organization__name="广西示范评估咨询有限公司（矩阵）"),
        "other_agency": f.AgencyUserFactory(username="mx_other_agency",
                                            organization__name="广西另一评估咨询有限公司（矩阵）"),
        "requester": f.RequesterUserFactory(username="mx_requester", organization__name="广西需求方制造有限公司（矩阵）"),
        "expert": f.ExpertProfileFactory(user__username="mx_expert", user__last_name=EXPERT_NAME[0],
                                         user__first_name=EXPERT_NAME[1], kind=ExpertKind.TECHNICAL).user,
    }


def _build() -> World:
    """The whole path through the services, each step by the user who takes it in the portal."""
    u = _people()
    department, authority, agency = u["department"], u["authority"], u["agency"]
    for kind, first in ((ExpertKind.MANAGEMENT, "评审乙"), (ExpertKind.FINANCIAL, "评审丙")):  # a 3-seat panel
        f.ExpertProfileFactory(kind=kind, user__last_name="覃", user__first_name=first)
    call = f.CallFactory()
    app = f.ApplicationFactory(call=call, applicant=u["applicant"].organization, is_consortium=True,
                               cultivation_support="none")  # declared: no related cultivation support (建设支持)
    Partner.objects.create(application=app, organization=u["partner"].organization, role="共建中试线")
    for req in app.required_attachments():
        intake.attachment_add(application=app, requirement=req, uploaded_file=pdf(f"{req.code}.pdf", req.code),
                              actor=u["applicant"])
    app = intake.application_submit(application=app, actor=u["applicant"])
    # B's draft: its attachment is the foreign id tried on A's URLs.
    app_b = f.ApplicationFactory(call=call, applicant=u["other_applicant"].organization, name="柳州中试研究基地")
    req = app_b.required_attachments().first()
    foreign = intake.attachment_add(application=app_b, requirement=req, uploaded_file=pdf("b.pdf", "b"),
                                    actor=u["other_applicant"])

    rec = Recommendation.objects.get(application=app)
    rec_svc.recommendation_recommend(recommendation=rec, actor=authority, opinion="条件具备，同意推荐。")
    batch = RecommendationBatch.objects.get(recommendations=rec)
    rec_svc.batch_attach_letter(batch=batch, actor=authority, upload=pdf("推荐函.pdf", "letter"))
    rec_svc.batch_submit(batch=batch, actor=authority)
    check = FormalCheck.objects.get(application=app)
    rec_svc.formal_check_pass(check=check, actor=department, opinion="材料齐全，形式审查通过。",
                              results={str(i.pk): {"ok": True, "note": ""} for i in call.check_items.all()})

    commission = assess.commission_create(call=call, agency=agency.organization, applications=[app],
                                          due_on=timezone.localdate() + timedelta(days=10), title="评估论证委托",
                                          actor=department)
    assessment = commission.assessments.get()
    assess.panel_draw(assessment=assessment, actor=agency, size=3, seed="matrix")
    assessment = assess.assessment_start_scoring(assessment=assessment, actor=agency)
    for seat in assessment.assignments.select_related("expert__user"):
        expert = seat.expert.user
        seat = assess.assignment_accept(assignment=seat, actor=expert, no_conflict=True, declaration="无利益关系。")
        indicators = list(app.call.indicators.all())
        assess.scores_save(assignment=seat, actor=expert, opinion="同意。",
                           scores={i.pk: i.max_score * Decimal("0.8") for i in indicators if not i.is_veto},
                           vetoes={i.pk: False for i in indicators if i.is_veto})
        assess.assignment_submit(assignment=seat, actor=expert)
    assessment.refresh_from_db()
    assessment = assess.assessment_start_site_visit(assessment=assessment, actor=agency)
    visit = assess.site_visit_save(assessment=assessment, actor=agency, visit_date=timezone.localdate(),
                                   team="王工、刘工", findings="与申报材料一致。", conclusion="consistent",
                                   items={code: {"ok": True, "note": ""} for code, _l in assess.SITE_VISIT_ITEMS})
    site_file = assess.site_visit_file_add(visit=visit, actor=agency, upload=pdf("现场核查记录.pdf", "visit"),
                                           caption="现场核查记录")
    assess.site_visit_complete(visit=visit, actor=agency)
    assessment.refresh_from_db()
    assess.assessment_conclude(assessment=assessment, actor=agency, passed=True, consensus_opinion="建议通过。")
    u["other_expert"] = f.ExpertProfileFactory(user__username="mx_other_expert", user__last_name="黄",
                                               user__first_name="评审丁").user  # joins the pool after the draw

    notice = cert.notice_create(call=call, applications=[app], title="拟认定名单公示", body="现予公示。",
                                starts_on=timezone.localdate(), actor=department)
    notice = cert.notice_publish(notice=notice, actor=department)
    objection = cert.objection_file(entry=notice.entries.get(), content="中试线尚未建成。", objector_name=OBJECTOR[0],
                                    objector_phone=OBJECTOR[1], evidence=pdf("证明材料.pdf", "evidence"))
    cert.objection_dismiss(objection=objection, actor=department, resolution="经核查，异议不成立。")
    notice = cert.notice_close(notice=notice, actor=department, today=notice.ends_on)
    (certificate,) = cert.certification_run(notice=notice, actor=department, certified_on=notice.ends_on)

    # A unit registering itself under X, its e-mail confirmed: X's reviewers decide it.
    registration = reg_svc.registration_confirm(registration=reg_svc.registration_create(data={
        "credit_code": f.credit_code(4242), "name": "广西自主注册中试有限公司（矩阵）", "unit_type": "enterprise",
        "city": u["authority"].organization.city, "authority": u["authority"].organization,
        "contact_name": "周联系", "contact_phone": "0771-1234567",
        "contact_email": "zhou@matrix.example.cn", "username": "mx_registering"}, password="Matrix-Reg-2026!"))

    consequences = _consequences(certificate.base, u)
    evaluation = _evaluation_round(certificate.base, u)
    scoring = _scoring_round(certificate.base, u)
    published = _published_round(certificate.base, u)
    rewards = _reward_year(certificate.base, u)
    _ledger(certificate.base, u)
    construction = _construction(certificate.base, u)
    catalogue = _catalogue(certificate.base, u)
    service_request = _service_request(certificate.base, u)
    recovery = _recovery(certificate.base, u)

    seats = list(assessment.assignments.select_related("expert__user").order_by("id"))
    seat_e = next(s for s in seats if s.expert.user_id == u["expert"].pk)
    return World(users=u, panel=[str(s.expert.user) for s in seats], ids={
        "call": call.pk, "app": app.pk, "att": app.attachments.order_by("id").first().pk, "foreign_att": foreign.pk,
        "rec": rec.pk, "batch": batch.pk, "check": check.pk, "assessment": assessment.pk, "site_file": site_file.pk,
        "seat": seat_e.pk, "notice": notice.pk, "objection": objection.pk, "base": certificate.base_id,
        "certificate": certificate.pk, "registration": registration.pk, **consequences, **evaluation, **scoring,
        **published, **rewards, **construction, **catalogue, **recovery, **service_request,
    })


def _catalogue(base, u) -> dict:
    """对外服务目录: A keeps two entries of its base (rectifying: still its to keep); staff hid the second."""
    from sharing.services import catalogue as catalogue_svc

    data = {"kind": "testing", "title": "矩阵检测服务", "description": "检测。", "fee_standard": "面议",
            "contact": "矩阵联系人", "contact_public": False, "accepts_vouchers": True, "order": 0}
    shown = catalogue_svc.offering_create(base=base, actor=u["applicant"], data=data)
    hidden = catalogue_svc.offering_create(base=base, actor=u["applicant"], data={**data, "title": "矩阵隐藏服务"})
    catalogue_svc.offering_hide(offering=hidden, actor=u["department"], reason="收费标准不明确。")
    return {"offering": shown.pk, "hidden_offering": hidden.pk}


def _service_request(base, u) -> dict:
    """服务需求: the requester persona asks A's base (rectifying: it still takes requests) for one of its entries;
    the request awaits the base's answer (A's lead unit: the base side)."""
    from sharing.models import ServiceOffering
    from sharing.services import requests as req_svc

    offering = ServiceOffering.objects.filter(base=base, hidden=False).first()
    req = req_svc.request_create(base=base, actor=u["requester"], offering=offering, data={
        "title": "矩阵服务需求", "description": "检测。", "quantity": "1批", "budget": Decimal("1000"),
        "wanted_by": timezone.localdate() + timedelta(days=30), "uses_voucher": True,
        "voucher_number": "MX-0001", "voucher_amount": Decimal("500")})
    return {"service_request": req.pk}


def _consequences(base, u) -> dict:
    """整改 and 摘牌 on A's base: a 2025 整改 grade awaiting its notice (as a published round records it), a
    rectification opened from the 整改 grade of the year of the round commissioned to P (_evaluation_round; P may
    re-check it) with A's report and file, and a revocation proposed for another reason (awaiting the second person)."""
    from evaluations.models import EvaluationResult, ResultSource
    from evaluations.services import rectification as rect_svc
    from evaluations.services import revocation as rev_svc

    result = EvaluationResult.objects.create(base=base, year=2025, grade="rectify", source=ResultSource.EVALUATED)
    graded = EvaluationResult.objects.create(base=base, year=base.certified_on.year + 1, grade="rectify",
                                             source=ResultSource.EVALUATED)
    rect = rect_svc.rectification_open(result=graded, actor=u["department"], requirements="完善制度。")
    rect_svc.rectification_report_save(rectification=rect, actor=u["applicant"], report="已完善。")
    rfile = rect_svc.rectification_file_add(rectification=rect, actor=u["applicant"], upload=pdf("整改.pdf", "fix"))
    rev = rev_svc.revocation_propose_other(base=base, actor=u["department"], reason_kind="base_request",
                                           reason="基地来函申请撤销。")
    return {"result": result.pk, "rect": rect.pk, "rfile": rfile.pk, "revocation": rev.pk}


def _evaluation_round(base, u) -> dict:
    """年度绩效考核 with reports open: A's base is in it by the default rule (the reference date a year after its
    certification), commissioned to agency P; A's report is a draft."""
    from datetime import date

    from evaluations.services import report as report_svc
    from evaluations.services import round as round_svc

    ref = base.certified_on.replace(year=base.certified_on.year + 1)
    rnd = round_svc.round_create(actor=u["department"], year=ref.year, title="矩阵年度考核", reference_date=ref,
                                 report_deadline=max(ref, date.today()) + timedelta(days=30),
                                 agency=u["agency"].organization)
    rnd = round_svc.round_open_reports(rnd=rnd, actor=u["department"])
    report = rnd.reports.get(base=base)
    rfile = report_svc.report_file_add(report=report, actor=u["applicant"], upload=pdf("服务合同.pdf", "contract"))
    return {"round": rnd.pk, "report": report.pk, "report_file": rfile.pk}


def _scoring_round(base, u) -> dict:
    """The next year's round in 评价打分 (staff mode, commissioned to P, no authority confirmation): A's report filed
    and accepted, its evaluation scored by P and awaiting staff's confirmation."""
    from evaluations.models import Evaluation
    from evaluations.services import report as report_svc
    from evaluations.services import round as round_svc
    from evaluations.services import scoring as scoring_svc
    from evaluations.services import seats as seats_svc
    from tests.evaluations.round_world import FIGURES

    ref = base.certified_on.replace(year=base.certified_on.year + 2)
    rnd = round_svc.round_create(actor=u["department"], year=ref.year, title="矩阵评分考核", reference_date=ref,
                                 report_deadline=ref + timedelta(days=30), agency=u["agency"].organization,
                                 scoring_mode="staff", authority_confirms=False)
    rnd = round_svc.round_open_reports(rnd=rnd, actor=u["department"])
    report = report_svc.report_save(report=rnd.reports.get(base=base), actor=u["applicant"], data=FIGURES)
    report = report_svc.report_submit(report=report, actor=u["applicant"])
    report_svc.report_accept(report=report, actor=u["agency"])
    round_svc.round_advance(rnd=rnd, actor=u["department"], name="start_scoring")
    ev = Evaluation.objects.get(report=report)
    entries = {i.pk: scoring_svc.ScoreInput(score=None if i.is_veto else "85") for i in rnd.indicators.all()}
    scoring_svc.evaluation_score(evaluation=ev, actor=u["agency"], entries=entries)
    # The year after, scored by experts: every eligible expert of the pool drawn for A's base (E among them).
    ref = ref.replace(year=ref.year + 3)  # clear of the other rounds of the matrix
    xrnd = round_svc.round_create(actor=u["department"], year=ref.year, title="矩阵专家考核", reference_date=ref,
                                  report_deadline=ref + timedelta(days=30), agency=u["agency"].organization,
                                  scoring_mode="experts", authority_confirms=False)
    xrnd = round_svc.round_open_reports(rnd=xrnd, actor=u["department"])
    xreport = report_svc.report_save(report=xrnd.reports.get(base=base), actor=u["applicant"], data=FIGURES)
    report_svc.report_accept(report=report_svc.report_submit(report=xreport, actor=u["applicant"]), actor=u["agency"])
    round_svc.round_advance(rnd=xrnd, actor=u["department"], name="start_scoring")
    xev = Evaluation.objects.get(report=xreport)
    seats_svc.evaluation_panel_draw(evaluation=xev, actor=u["agency"], size=50)
    seat = xev.seats.get(expert__user=u["expert"])
    return {"eround": rnd.pk, "evaluation": ev.pk, "xseat": seat.pk}


def _published_round(base, u) -> dict:
    """A third round taken to published (staff mode, A's report scored 85 and its grade confirmed), and the years
    of all three: the public reads the published one only."""
    from evaluations.models import EvaluationRound
    from evaluations.models.round import round_judged_on
    from evaluations.services import report as report_svc
    from evaluations.services import round as round_svc
    from evaluations.services import scoring as scoring_svc
    from reviews.models.certification import notice_judged_on
    from tests.evaluations.round_world import FIGURES

    ref = base.certified_on.replace(year=base.certified_on.year + 3)
    rnd = round_svc.round_create(actor=u["department"], year=ref.year, title="矩阵公布考核", reference_date=ref,
                                 report_deadline=ref + timedelta(days=30), agency=u["agency"].organization,
                                 scoring_mode="staff", authority_confirms=False)
    rnd = round_svc.round_open_reports(rnd=rnd, actor=u["department"])
    report = report_svc.report_save(report=rnd.reports.get(base=base), actor=u["applicant"], data=FIGURES)
    report_svc.report_accept(report=report_svc.report_submit(report=report, actor=u["applicant"]), actor=u["agency"])
    rnd = round_svc.round_advance(rnd=rnd, actor=u["department"], name="start_scoring")
    entries = {i.pk: scoring_svc.ScoreInput(score=None if i.is_veto else "85") for i in rnd.indicators.all()}
    scoring_svc.evaluation_score(evaluation=rnd.evaluations.get(), actor=u["agency"], entries=entries)
    scoring_svc.round_grades_confirm(rnd=rnd, actor=u["department"])
    rnd = round_svc.round_advance(rnd=EvaluationRound.objects.get(pk=rnd.pk), actor=u["department"],
                                  name="open_notice")
    ends_on = rnd.notice.ends_on
    with round_judged_on(ends_on), notice_judged_on(ends_on):  # publishing waits for the results' 公示 to run
        rnd = round_svc.round_advance(rnd=EvaluationRound.objects.get(pk=rnd.pk), actor=u["department"],
                                      name="publish")
    years = dict(EvaluationRound.objects.values_list("title", "year"))
    return {"pround_year": rnd.year, "round_year": years["矩阵年度考核"], "eround_year": years["矩阵评分考核"]}


def _reward_year(base, u) -> dict:
    """运行奖补 for 2025 (A's base has its 2025 result from _consequences): a draft list with A's line."""
    from subsidies.services import rewards as reward_svc

    year = reward_svc.reward_year_create(actor=u["department"], evaluation_year=2025, round=None, year=2026,
                                         min_grade="good", budget=Decimal("1000000"),
                                         tiers={"excellent": Decimal("400000"), "good": Decimal("200000")})
    return {"reward_year": year.pk, "reward_line": year.lines.get(base=base).pk}


def _recovery(base, u) -> dict:
    """追回: a recovery opened by staff for A's base (another amount than the ledger's, with its reason)."""
    from subsidies.models import RecoveryOrigin
    from subsidies.services import recovery as recovery_svc

    today = timezone.localdate()
    r = recovery_svc.recovery_open(base=base, actor=u["department"], origin=RecoveryOrigin.CONSTRUCTION,
                                   period_from=today - timedelta(days=365), period_to=today,
                                   due_on=today + timedelta(days=60), reason="建设未完成。",
                                   amount=Decimal("1000.00"), amount_reason="按核定金额追回。")
    return {"recovery": r.pk}


def _ledger(base, u) -> None:
    """资金台账: one construction grant for A's base (the ledger list's scoped rows)."""
    from subsidies.models import LedgerKind, SupportKind
    from subsidies.services.ledger import ledger_post

    ledger_post(base=base, kind=LedgerKind.GRANT, support=SupportKind.CONSTRUCTION, amount=Decimal("1000000.00"),
                year=2026, occurred_on=timezone.localdate(), source=base, actor=u["department"],
                idempotency_key="matrix-ledger-grant", document_no="矩阵〔2026〕1号")


def _construction(base, u) -> dict:
    """建设支持, through the services: the 2026 budget, staff's confirmation of A's declaration (no related
    cultivation support: certified directly after assessment), a grant proposed by the department persona and
    approved by a second department user (four eyes: so approve is 403 for the proposer and open to the admin's
    form), disbursed, and A's spending report with its voucher."""
    from subsidies.models import SupportKind
    from subsidies.services import construction as cs_svc

    cs_svc.support_budget_set(actor=u["department"], year=2026, kind=SupportKind.CONSTRUCTION,
                              amount=Decimal("5000000"))
    cs_svc.construction_check_record(actor=u["department"], base=base, cultivation_confirmed=True, newly_built=None,
                                     note="已核实申报书的填报。")
    grant = cs_svc.construction_propose(actor=u["department"], base=base, year=2026, amount=Decimal("3000000"),
                                        basis="经评审直接认定，未获得相关培育支持。")
    second = f.DepartmentUserFactory(username="mx_department_second")
    grant = cs_svc.construction_approve(grant=grant, actor=second, opinion="同意。", document_no="桂科矩阵〔2026〕1号")
    grant = cs_svc.construction_disburse(grant=grant, actor=u["department"], disbursed_on=timezone.localdate(),
                                         amount=Decimal("3000000"), document_no="桂财矩阵〔2026〕1号")
    item = cs_svc.spending_report(grant=grant, actor=u["applicant"], item="中试设备", amount=Decimal("1000"),
                                  spent_on=timezone.localdate(), files=[pdf("凭证.pdf", "voucher")])
    return {"grant": grant.pk, "sfile": item.files.get().pk}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once, rolled back after the module; files in a folder of their own."""
    from pilotbase.celery import app as celery_app

    media = tmp_path_factory.mktemp("matrix-private")
    storages = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                 "OPTIONS": {"location": str(media), "base_url": None}}}
    eager = celery_app.conf.task_always_eager
    with override_settings(MEDIA_ROOT=media, STORAGES=storages, CELERY_TASK_ALWAYS_EAGER=True), \
            django_db_blocker.unblock(), transaction.atomic():
        celery_app.conf.task_always_eager = True
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):  # the application and certificate PDFs
                built = _build()
            certificate = Certificate.objects.get(pk=built.ids["certificate"])
            built.ids["cert_token"], built.ids["cert_number"] = str(certificate.token), certificate.number
            for who, user in built.users.items():
                signer = Client()
                signer.force_login(user)
                built.sessions[who] = signer.cookies[settings.SESSION_COOKIE_NAME].value
            from django_otp_webauthn.models import WebAuthnCredential

            built.ids["passkey"] = WebAuthnCredential.objects.create(
                user=built.users["applicant"], name="矩阵通行密钥", credential_id=b"matrix", public_key=b"k").pk
            yield built
        finally:
            celery_app.conf.task_always_eager = eager
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _private_media():
    """The world's files stay where it stored them (replaces conftest's per-test folder)."""


# ---- the matrix ------------------------------------------------------------------------------------------
SAME = "same as GET"


@dataclass(frozen=True)
class Row:
    """One URL with its object ids: the expected answer per persona for GET and POST.

    `get`/`post` map persona → status code, FILE or LOGIN; a persona left out is an outsider
    (404 when signed in, LOGIN when anonymous), except the ALIKE ones, which answer as the persona they stand
    beside unless named (a regional department is another recommending authority, like Y). None: the method is
    not tried (the view refuses it for everybody); SAME: POST answers as GET.
    """

    name: str
    args: tuple[str, ...]
    get: dict | None = None
    post: dict | str | None = None
    data: dict = field(default_factory=dict)
    note: str = ""

    def table(self, method: str) -> dict | None:
        return self.get if method == "GET" or self.post == SAME else self.post

    def expected(self, method: str, who: str):
        table = self.table(method)
        if who not in table and who in ALIKE:
            who = ALIKE[who]
        return table.get(who, LOGIN if who == ANON else 404)

    def id(self) -> str:
        return f"{self.name}({','.join(self.args)})" + (f"[{self.note}]" if self.note else "")


def ok(*personas: str, status=200) -> dict:
    return dict.fromkeys(personas, status)


def forbidden(*personas: str, **allowed) -> dict:
    """Visible to `personas` but the action is not theirs (403), except the `allowed` ones."""
    return {**ok(*personas, status=403), **allowed}


ALIKE = {"regional": "other_authority"}  # persona → the one it answers as when a row does not name it
NON_STAFF = tuple(p for p in SIGNED_IN if p not in STAFF)
APPLICANTS = ("applicant", "partner", "other_applicant")
BASE_SIDE = ("applicant", "partner", "authority", "agency", *STAFF)  # may download the certificate

AUTHORITIES = ("authority", "other_authority", "regional")  # 推荐单位: A's city bureau, Y, a regional department
EXPERTS, AGENCIES = ("expert", "other_expert"), ("agency", "other_agency")

ROWS = [
    # ---- URLs without an argument: lists, exports, create forms, dashboards, public and account pages.
    # Lists are scoped inside (an outsider of the same role sees its own rows, here often none); a POST with no data
    # re-shows a form with its errors (200/400) or is refused (405); nothing is written.
    Row("home", (), get={**ok(*SIGNED_IN, status=302), ANON: 200}, post=SAME, note="signed in: to the dashboard"),
    Row("login", (), get={**ok(*SIGNED_IN, status=302), ANON: 200}, post=SAME),
    Row("logout", (), get=ok(*PERSONAS, status=405), post=ok(*PERSONAS, status=LOGIN)),
    Row("password_reset", (), get=ok(*PERSONAS), post=SAME, note="the same answer for any address"),
    Row("password_reset_done", (), get=ok(*PERSONAS), post=ok(*PERSONAS, status=405)),
    Row("password_reset_complete", (), get=ok(*PERSONAS), post=ok(*PERSONAS, status=405)),
    Row("password_change", (), get=ok(*SIGNED_IN), post=SAME),
    Row("password_change_done", (), get=ok(*SIGNED_IN), post=ok(*SIGNED_IN, status=405)),
    Row("reauth", (), get=ok(*SIGNED_IN), post=SAME),
    Row("two_factor_verify", (), get=ok(*SIGNED_IN, status=302), post=SAME, note="no step pending: to the dashboard"),
    Row("two_factor_setup", (), get=ok(*SIGNED_IN), post=SAME),
    Row("two_factor_codes", (), get=ok(*SIGNED_IN, status=302), post=ok(*PERSONAS, status=405),
        note="no codes just issued in this session: straight on"),
    # 账号安全: one's own second factors. A has a passkey (added after the sessions signed in, so none owes the step);
    # the others have no second factor, so new recovery codes are refused them (302 back with the message).
    Row("account_security", (), get=ok(*SIGNED_IN), post=SAME),
    Row("totp_remove", (), get=ok(*PERSONAS, status=405), post=ok(*SIGNED_IN, status=302),
        note="nobody has an authenticator: back with the message"),
    Row("recovery_codes_regenerate", (), get=ok(*PERSONAS, status=405), post=ok(*SIGNED_IN, status=302),
        note="A: new codes, to the page that shows them once"),
    Row("passkey_rename", ("passkey",), get=ok("applicant"), post=SAME, note="A's own passkey; an empty name: 200"),
    Row("passkey_remove", ("passkey",), get=ok(*PERSONAS, status=405), post=ok("applicant", status=302)),
    # Passkeys (django-otp-webauthn's JSON endpoints): a signed-in user only (no passwordless login); a POST
    # without a ceremony begun in this session is refused (400), nothing is written.
    Row("otp_webauthn:credential-registration-begin", (), get={**ok(*SIGNED_IN, status=405), ANON: 403},
        post={**ok(*SIGNED_IN), ANON: 403}, note="the registration options for the user's own passkey"),
    Row("otp_webauthn:credential-registration-complete", (), get={**ok(*SIGNED_IN, status=405), ANON: 403},
        post={**ok(*SIGNED_IN, status=400), ANON: 403}, note="no ceremony begun: refused"),
    Row("otp_webauthn:credential-authentication-begin", (), get={**ok(*SIGNED_IN, status=405), ANON: 403},
        post={**ok(*SIGNED_IN), ANON: 403}, note="anonymous: passwordless login is off"),
    Row("otp_webauthn:credential-authentication-complete", (), get={**ok(*SIGNED_IN, status=405), ANON: 403},
        post={**ok(*SIGNED_IN, status=400), ANON: 403}, note="no ceremony begun: refused"),
    Row("otp_webauthn:js-i18n-catalog", (), get=ok(*PERSONAS), post=ok(*PERSONAS, status=405),
        note="the passkey script's messages"),
    Row("dashboard", (), get=ok(*SIGNED_IN), post=SAME),
    Row("notifications", (), get=ok(*SIGNED_IN), post=SAME),
    Row("notifications_read", (), get=ok(*SIGNED_IN, status=405), post=ok(*SIGNED_IN, status=302),
        note="marks the user's own notices read"),
    Row("healthz", (), get=ok(*PERSONAS), post=SAME),
    Row("applications:index", (), get={**ok(*APPLICANTS, *AUTHORITIES, *STAFF, status=302),
                                       **ok(*AGENCIES, *EXPERTS, "requester", status=403)}, post=SAME),
    Row("applications:call_list", (), get=ok(*SIGNED_IN), post=SAME),
    Row("applications:call_create", (), get=forbidden(*NON_STAFF, **ok(*STAFF)), post=SAME),
    Row("applications:mine", (), get=forbidden(*SIGNED_IN, **ok(*APPLICANTS)), post=SAME),
    Row("applications:list", (), get=ok(*AUTHORITIES, *STAFF), post=SAME),
    Row("applications:export", (), get=ok(*AUTHORITIES, *STAFF, status=FILE), post=SAME),
    Row("reviews:rec_queue", (), get=ok(*AUTHORITIES), post=SAME),
    Row("reviews:rec_queue_export", (), get=ok(*AUTHORITIES, status=FILE), post=ok(*AUTHORITIES, status=405)),
    Row("reviews:rec_batches", (), get=ok(*AUTHORITIES, *STAFF), post=SAME),
    Row("reviews:fc_queue", (), get=ok(*STAFF), post=SAME),
    Row("reviews:fc_queue_export", (), get=ok(*STAFF, status=FILE), post=ok(*STAFF, status=405)),
    Row("reviews:assess_commissions", (), get=ok(*AGENCIES, *STAFF), post=SAME),
    Row("reviews:assess_commission_create", (), get=ok(*STAFF), post=SAME),
    Row("reviews:assess_experts", (), get=ok(*AGENCIES, *STAFF), post=ok(*SIGNED_IN, status=405)),
    Row("reviews:assess_my", (), get=ok(*EXPERTS), post=ok(*SIGNED_IN, status=405)),
    Row("reviews:assess_ranked", (), get=ok(*STAFF), post=ok(*SIGNED_IN, status=405)),
    Row("reviews:assess_ranked_export", (), get=ok(*STAFF, status=FILE), post=ok(*SIGNED_IN, status=405)),
    Row("reviews:notice_list", (), get=ok(*STAFF), post=SAME),
    Row("reviews:notice_create", (), get=ok(*STAFF), post=SAME),
    Row("reviews:notice_objection_list", (), get=ok(*STAFF), post=SAME),
    Row("reviews:cert_base_list", (), get=ok(*STAFF), post=SAME),
    Row("public:notice_list", (), get=ok(*PERSONAS), post=SAME),
    Row("public:base_list", (), get=ok(*PERSONAS), post=SAME),
    Row("public:coverage", (), get=ok(*PERSONAS), post=SAME, note="counts of the public directory's bases"),
    Row("public:coverage_xlsx", (), get=ok(*PERSONAS, status=FILE), post=SAME),
    Row("register", (), get={**ok(*SIGNED_IN, status=302), ANON: 200}, post={**ok(*SIGNED_IN, status=302), ANON: 400}),
    Row("register_requester", (), get={**ok(*SIGNED_IN, status=302), ANON: 200},
        post={**ok(*SIGNED_IN, status=302), ANON: 400}, note="服务需求方注册: the same form without an authority"),
    Row("register_sent", (), get=ok(*PERSONAS, status=302), post=SAME, note="nothing sent: back to the form"),
    Row("registrations", (), get=ok(*AUTHORITIES), post=SAME),
    Row("invite", (), get=ok(*APPLICANTS, "requester"), post=ok(*APPLICANTS, "requester", status=400),
        note="the first user of an applicant unit or of a service requester"),
    # Public by design, the token is the access: a certificate's 核验码 (and the old QR address, moved for good); a
    # forged signed token (registration, invitation, password reset) answers the same to everybody and writes nothing.
    # The valid signed tokens: tests/public/test_registration.py, test_invitations.py, pilotbase/test_auth_password.py.
    Row("public:verify", ("cert_token",), get=ok(*PERSONAS), post=ok(*PERSONAS, status=400)),
    Row("public:verify", ("00000000-0000-0000-0000-000000000000",), get=ok(*PERSONAS, status=404), post=SAME,
        note="an unknown token"),
    Row("verify_legacy", ("cert_token",), get=ok(*PERSONAS, status=301), post=SAME),
    Row("register_confirm", ("forged",), get=ok(*PERSONAS, status=404), post=SAME),
    Row("invite_accept", ("forged",), get=ok(*PERSONAS, status=404), post=SAME),
    Row("password_reset_confirm", ("MQ", "forged"), get=ok(*PERSONAS), post=SAME, note="the link-invalid page"),
    # ---- URLs with object ids.
    # Calls: a published call is visible to every signed-in user; managing it is staff work (403).
    Row("applications:call_detail", ("call",), get=ok(*SIGNED_IN), post=SAME),
    Row("applications:call_edit", ("call",), get=forbidden(*NON_STAFF, **ok(*STAFF)), post=SAME),
    Row("applications:call_publish", ("call",), post=forbidden(*NON_STAFF, **ok(*STAFF, status=302))),
    Row("applications:call_close", ("call",), post=forbidden(*NON_STAFF, **ok(*STAFF, status=302))),
    Row("applications:start", ("call",), post=forbidden(*SIGNED_IN, **ok(*APPLICANTS, status=302))),
    # The application record, its actions and files: lead unit, partner, its authority, the department.
    Row("applications:detail", ("app",), get=ok(*APP_VIEWERS, "expert"), post=SAME),
    Row("applications:edit", ("app", "basic"), get=forbidden(*APP_VIEWERS, applicant=302), post=SAME),
    Row("applications:partner_search", ("app",), get=forbidden(*APP_VIEWERS, applicant=200), post=None),
    Row("applications:completeness", ("app",), get=forbidden(*APP_VIEWERS, applicant=200), post=SAME),
    Row("applications:submit", ("app",), post=forbidden(*APP_VIEWERS, applicant=302)),
    Row("applications:withdraw", ("app",), post=forbidden(*APP_VIEWERS, applicant=302)),
    Row("applications:attachment_add", ("app",), post=forbidden(*APP_VIEWERS, applicant=302)),
    Row("applications:attachment", ("app", "att"), get=ok(*APP_VIEWERS, status=FILE), post=SAME),
    Row("applications:attachment", ("app", "foreign_att"), get={}, post=SAME, note="B's file under A's id"),
    Row("applications:attachment_delete", ("app", "att"), post=forbidden(*APP_VIEWERS, applicant=302)),
    Row("applications:pdf", ("app",), get=ok(*APP_VIEWERS, "expert", status=FILE), post=SAME),
    # 初审推荐 (the authority; the department reads) and 形式审查 (the department).
    Row("reviews:rec_review", ("rec",), get=ok("authority", *STAFF), post=forbidden("authority", *STAFF)),
    Row("reviews:rec_batch", ("batch",), get=ok("authority", *STAFF), post=forbidden("authority", *STAFF)),
    Row("reviews:rec_batch_letter", ("batch",), get=ok("authority", *STAFF, status=FILE), post=SAME),
    Row("reviews:rec_batch_summary", ("batch", "xlsx"), get=ok("authority", *STAFF, status=FILE), post=SAME),
    Row("reviews:rec_batch_summary", ("batch", "pdf"), get=ok("authority", *STAFF, status=FILE)),
    Row("reviews:fc_check", ("check",), get=ok(*STAFF), post=forbidden(*STAFF)),
    # 评估论证: the commissioned agency and the department; the expert only on own seat.
    Row("reviews:assess_detail", ("assessment",), get=ok("agency", *STAFF),
        post=forbidden(*STAFF, agency=200), data={"action": "draw"}),
    Row("reviews:assess_site_file", ("site_file",), get=ok("agency", *STAFF, status=FILE)),
    Row("reviews:assess_assignment", ("seat",), get=ok("expert"), post=SAME, data={"action": "accept"}),
    Row("reviews:assess_attachment", ("seat", "att"), get=ok("expert", status=FILE)),
    Row("reviews:assess_attachment", ("seat", "foreign_att"), get={}, note="B's file under E's seat"),
    # 公示与认定: department staff; the certificate also for the base's own side.
    Row("reviews:notice_detail", ("notice",), get=ok(*STAFF), post=SAME),
    Row("reviews:notice_publish", ("notice",), post=ok(*STAFF, status=302)),
    Row("reviews:notice_close", ("notice",), post=ok(*STAFF, status=302)),
    Row("reviews:cert_run", ("notice",), post=ok(*STAFF, status=302)),
    Row("reviews:notice_objection_handle", ("objection",), get=ok(*STAFF), post=SAME),
    Row("reviews:notice_objection_evidence", ("objection",), get=ok(*STAFF, status=FILE), post=SAME),
    Row("reviews:cert_plaque", ("base",), get=ok(*STAFF), post=SAME),
    Row("reviews:cert_regenerate", ("base",), post=ok(*STAFF, status=302)),
    Row("reviews:cert_download", ("certificate",), get=ok(*BASE_SIDE, status=FILE), post=SAME),
    # 导入既有基地 (bases certified before the portal): department staff; a POST without a file or a checked
    # file answers the page with the form's error / goes back to it.
    Row("evaluations:base_import", (), get=ok(*STAFF), post=SAME),
    Row("evaluations:base_import_template", (), get=ok(*STAFF, status=FILE)),
    Row("evaluations:base_import_confirm", (), post=ok(*STAFF, status=302)),
    # 基地名录 / 我的基地 / the base's page: the base's lead and partner units, its authority and staff; the list and the
    # dashboard are scoped inside (another unit or authority sees its own, here none); experts and agencies 404.
    Row("evaluations:base_list", (), get=ok(*APPLICANTS, "authority", "other_authority", *STAFF)),
    Row("evaluations:base_export", (), get=ok(*APPLICANTS, "authority", "other_authority", *STAFF, status=FILE)),
    Row("evaluations:base_mine", (), get=ok(*APPLICANTS, status=302), note="to the base, or to the list"),
    Row("evaluations:base_detail", ("base",), get=ok("applicant", "partner", "authority", *STAFF), post=SAME),
    Row("evaluations:dashboard", (), get=ok("authority", "other_authority", *STAFF)),
    Row("evaluations:dashboard_export", ("cities",), get=ok("authority", "other_authority", *STAFF, status=FILE)),
    Row("evaluations:dashboard_export", ("targets",), get=ok(*STAFF, status=FILE), note="the programme's targets"),
    # 整改: the base's units, its authority and the agency of the round whose grade opened it (P) read it, the lead
    # unit writes the report, staff or P re-check it; the list is scoped inside (another agency sees none); 摘牌:
    # staff (a base side reads a confirmed revocation only, so this proposed one is a 404 for it).
    Row("evaluations:rectification_list", (), get=ok(*APPLICANTS, "authority", "other_authority", "agency",
                                                     "other_agency", *STAFF)),
    Row("evaluations:rectification_detail", ("rect",), get=ok("applicant", "partner", "authority", "agency", *STAFF),
        post=forbidden("partner", "authority", "agency", *STAFF, applicant=302),
        data={"transition": "submit_report", "expected_state": "open"}),
    Row("evaluations:rectification_detail", ("rect",), get=ok("applicant", "partner", "authority", "agency", *STAFF),
        post=forbidden("applicant", "partner", "authority", **ok("agency", *STAFF, status=302)),
        data={"transition": "accept", "expected_state": "reported", "accept-opinion": "整改到位。"},
        note="the re-check (stale here: the report is not filed, so back with the message)"),
    Row("evaluations:rectification_report", ("rect",), get=ok("applicant"), post=ok("applicant", status=400)),
    Row("evaluations:rectification_file", ("rect", "rfile"),
        get=ok("applicant", "partner", "authority", "agency", *STAFF, status=FILE)),
    Row("evaluations:rectification_file_delete", ("rect", "rfile"), post=ok("applicant", status=302)),
    Row("evaluations:rectification_open", ("result",), get=ok(*STAFF), post=ok(*STAFF, status=400)),
    Row("evaluations:rectification_order", ("base",), get=ok(*STAFF), post=ok(*STAFF, status=400)),
    Row("evaluations:revocation_list", (), get=ok(*STAFF)),
    Row("evaluations:rectification_export", (), get=ok(*APPLICANTS, "authority", "other_authority", "agency",
                                                        "other_agency", *STAFF, status=FILE)),
    Row("evaluations:revocation_export", (), get=ok(*STAFF, status=FILE)),
    Row("evaluations:revocation_detail", ("revocation",), get=ok(*STAFF), post=forbidden(*STAFF)),
    Row("evaluations:revocation_propose_other", ("base",), get=ok(*STAFF), post=ok(*STAFF, status=400)),
    # 年度绩效考核: staff run the round, the commissioned agency reads it (403 on writes); authorities see the
    # rounds past draft that hold one of their region's bases (another authority: 404) and their region's reports;
    # the base's lead unit files its own report, its partner unit reads it (403 on writes).
    Row("evaluations:round_list", (), get=ok("authority", "other_authority", "agency", "other_agency", *STAFF)),
    Row("evaluations:round_create", (), get=forbidden("agency", "other_agency", **ok(*STAFF)), post=SAME),
    Row("evaluations:round_detail", ("round",), get=ok("agency", *STAFF),
        post=forbidden("agency", **ok(*STAFF, status=302)),
        data={"transition": "start_scoring", "expected_state": "reports_open"}, note="unmet: back with the message"),
    Row("evaluations:round_settings", ("round",), post=forbidden("agency", **ok(*STAFF))),
    Row("evaluations:round_indicators", ("round",), post=forbidden("agency", **ok(*STAFF))),
    Row("evaluations:round_bands", ("round",), post=forbidden("agency", **ok(*STAFF))),
    Row("evaluations:round_base", ("round", "include"), post=forbidden("agency", **ok(*STAFF))),
    Row("evaluations:round_base_search", ("round", "include"), get=forbidden("agency", **ok(*STAFF)), post=None),
    Row("evaluations:report_list", ("round",), get=ok("authority", "agency", *STAFF), post=SAME,
        note="another authority: none of its bases in the round, 404"),
    Row("evaluations:report_export", ("round",), get=ok("authority", "agency", *STAFF, status=FILE)),
    Row("evaluations:report_mine", (), get=ok(*APPLICANTS), post=SAME),
    Row("evaluations:report_detail", ("report",), get=ok("applicant", "partner", "authority", "agency", *STAFF),
        post=forbidden("partner", "authority", "agency", *STAFF, applicant=302),
        data={"transition": "submit", "expected_state": "draft"}, note="incomplete: back with the message"),
    Row("evaluations:report_pdf", ("report",), get=ok("applicant", "partner", "authority", "agency", *STAFF,
                                                      status=302),
        post=SAME, note="a draft: back to the report page"),
    Row("evaluations:report_file_add", ("report",),
        post=forbidden("partner", "authority", "agency", *STAFF, applicant=302)),
    Row("evaluations:report_file", ("report", "report_file"),
        get=ok("applicant", "partner", "authority", "agency", *STAFF, status=FILE), post=SAME),
    Row("evaluations:report_file_delete", ("report", "report_file"),
        post=forbidden("partner", "authority", "agency", *STAFF, applicant=302)),
    Row("evaluations:report_edit", ("report",), get=forbidden("partner", "authority", "agency", *STAFF, applicant=200),
        post=forbidden("partner", "authority", "agency", *STAFF, applicant=302)),
    # 评分与等次: the commissioned agency scores (staff read the sheet, 403 on it), staff confirm the grades; the base
    # reads its own evaluation only once the round is published (tests/evaluations/test_scoring_views.py).
    Row("evaluations:evaluation_list", ("eround",), get=ok("agency", *STAFF), post=SAME),
    Row("evaluations:evaluation_detail", ("evaluation",), get=ok("agency", *STAFF),
        post=forbidden(*STAFF, agency=200), note="agency: an empty sheet comes back with its messages"),
    Row("evaluations:round_grades", ("eround",), get=ok(*STAFF), post=ok(*STAFF),
        note="an empty POST: the grade fields come back required"),
    # The experts mode: an expert sees only its own seats (E holds one on A's base; F's list is its own).
    Row("evaluations:seat_mine", (), get=ok("expert", "other_expert"), post=SAME),
    Row("evaluations:seat_detail", ("xseat",), get=ok("expert"), post=forbidden("expert"),
        note="a POST without an action: 403"),
    # 运行奖补: staff decide; authorities read the years and their region's lines (403 on any action; another
    # authority's line is a 404); the base reads its lines on its own page only; everyone else 404.
    Row("subsidies:reward_year_list", (), get=ok("authority", "other_authority", *STAFF), post=SAME),
    Row("subsidies:reward_year_create", (), get=ok(*STAFF), post=ok(*STAFF, status=400)),
    Row("subsidies:reward_year_detail", ("reward_year",), get=ok("authority", "other_authority", *STAFF),
        post=forbidden("authority", "other_authority", **ok(*STAFF, status=302)),
        data={"transition": "propose", "expected_state": "draft"}, note="unmet: back with the message"),
    Row("subsidies:reward_year_edit", ("reward_year",), get=ok(*STAFF), post=ok(*STAFF, status=400)),
    Row("subsidies:reward_year_export", ("reward_year",), get=ok("authority", "other_authority", *STAFF,
                                                                 status=FILE), post=SAME),
    Row("subsidies:reward_line_action", ("reward_year", "reward_line"),
        get=ok("authority", *STAFF, status=302),
        post=forbidden("authority", **ok(*STAFF, status=302)),
        data={"transition": "adjust", "expected_state": "open"}, note="not eligible: back with the message"),
    # 资金台账: read only (a POST is 405); staff all rows, an authority its region's, a base's units their own (another
    # unit or authority sees its own, here none); the agency, experts and the public nothing.
    Row("subsidies:ledger_list", (), get=ok(*APPLICANTS, "authority", "other_authority", *STAFF),
        post=ok(*APPLICANTS, "authority", "other_authority", *STAFF, status=405)),
    Row("subsidies:ledger_export", (), get=ok(*APPLICANTS, "authority", "other_authority", *STAFF, status=FILE),
        post=ok(*APPLICANTS, "authority", "other_authority", *STAFF, status=405)),
    # 建设支持: staff decide, the proposer's approve is 403 (the department persona proposed: the admin approves);
    # authorities read the list and their region's grant (403 on any action); the base's units read their grant
    # and report its spending; everyone else 404.
    Row("subsidies:construction_list", (), get=ok("authority", "other_authority", *STAFF), post=SAME),
    Row("subsidies:construction_create", (), get=ok(*STAFF), post=ok(*STAFF, status=400)),
    Row("subsidies:construction_base_search", (), get=ok(*STAFF), post=None),
    Row("subsidies:construction_budgets", (), get=ok(*STAFF), post=ok(*STAFF, status=400)),
    Row("subsidies:construction_base_check", ("base",), get=ok(*STAFF), post=ok(*STAFF, status=302),
        note="every field optional: saved"),
    Row("subsidies:construction_detail", ("grant",), get=ok("applicant", "partner", "authority", *STAFF),
        post=forbidden("applicant", "partner", "authority", "department", admin=400),
        data={"transition": "approve", "expected_state": "disbursed"},
        note="four eyes: the proposer 403 even so, a colleague's empty form 400"),
    Row("subsidies:construction_notice", ("grant",),
        get=ok("applicant", "partner", "authority", *STAFF, status=FILE), post=SAME),
    Row("subsidies:construction_spending", ("grant",), get=forbidden("authority", **ok("applicant", "partner", *STAFF)),
        post=forbidden("authority", **ok("applicant", "partner", *STAFF, status=400)),
        note="an empty report: the fields come back required"),
    Row("subsidies:construction_spending_file", ("grant", "sfile"),
        get=ok("applicant", "partner", "authority", *STAFF, status=FILE), post=SAME),
    # 对外服务目录: the base's lead unit keeps its entries (its partner unit and authority read them on the base's page
    # only: 404 here; another applicant 404); staff read every base's and hide or show an entry (403 on the base's
    # forms); anonymous to the login page. An empty POST re-shows the entry's form with its messages (400).
    Row("sharing:offering_list", (), get=ok(*STAFF), post=SAME),
    Row("sharing:base_offerings", ("base",), get=ok("applicant", *STAFF), post=SAME),
    Row("sharing:offering_create", ("base",), get=forbidden(*STAFF, applicant=200),
        post=forbidden(*STAFF, applicant=400)),
    Row("sharing:offering_edit", ("offering",), get=forbidden(*STAFF, applicant=200),
        post=forbidden(*STAFF, applicant=400)),
    Row("sharing:offering_delete", ("offering",), get=forbidden(*STAFF, applicant=200),
        post=forbidden(*STAFF, applicant=302)),
    Row("sharing:offering_hide", ("offering",), post=forbidden("applicant", **ok(*STAFF, status=302)),
        data={"reason": "矩阵隐藏。", "expected_state": "visible"}),
    Row("sharing:offering_unhide", ("hidden_offering",), post=forbidden("applicant", **ok(*STAFF, status=302)),
        data={"reason": "矩阵恢复。", "expected_state": "hidden"}),
    # 服务需求: the requester's users make a request to a base not revoked (an empty POST: the form's messages, 400)
    # and follow theirs in 我的服务需求; the base's lead unit (applicant role: another unit's list is scoped inside)
    # answers in 服务需求; staff read every request and export them. The request: its two sides and staff (read-only,
    # 403 on any action); a quote without its amount comes back with its form (400); the requester's 403.
    Row("sharing:request_create", ("base",), get=ok("requester"), post=ok("requester", status=400)),
    Row("sharing:request_mine", (), get=ok("requester"), post=SAME),
    Row("sharing:request_incoming", (), get=ok(*APPLICANTS), post=SAME),
    Row("sharing:request_staff_list", (), get=ok(*STAFF), post=SAME),
    Row("sharing:request_staff_xlsx", (), get=ok(*STAFF, status=FILE), post=SAME),
    Row("sharing:request_detail", ("service_request",), get=ok("applicant", "requester", *STAFF),
        post=forbidden("requester", *STAFF, applicant=400), data={"transition": "quote", "expected_state": "submitted"},
        note="a quote without its amount"),
    # 创新券使用情况: staff only (everyone else 404, anonymous to the login page); the page and its export read GET
    # parameters only, so a POST answers as a GET.
    Row("sharing:voucher_usage", (), get=ok(*STAFF), post=SAME),
    Row("sharing:voucher_usage_export", (), get=ok(*STAFF, status=FILE), post=SAME),
    # 追回: staff decide; a base's units and its authority read it (403 on any action; another authority or unit:
    # 404); the list is scoped inside (another unit or authority sees its own, here none); everyone else 404.
    Row("subsidies:recovery_list", (), get=ok(*APPLICANTS, "authority", "other_authority", *STAFF), post=SAME),
    Row("subsidies:recovery_create", (), get=ok(*STAFF), post=ok(*STAFF, status=400)),
    Row("subsidies:recovery_detail", ("recovery",), get=ok("applicant", "partner", "authority", *STAFF),
        post=forbidden("applicant", "partner", "authority", **ok(*STAFF, status=400)),
        data={"transition": "repay", "expected_state": "open"}, note="no amount: the form comes back"),
    # 单位注册: only the recommending authority the unit chose.
    Row("registration_detail", ("registration",), get=ok("authority"), post=ok("authority", status=302),
        data={"transition": "approve", "expected_state": "awaiting_approval"}),
    # Public pages: the same answer for everybody, no login.
    Row("public:call_detail", ("call",), get=ok(*PERSONAS)),
    Row("public:notice_detail", ("notice",), get=ok(*PERSONAS), post=SAME),
    Row("public:objection", ("notice",), get=ok(*PERSONAS, status=302), post=SAME,
        note="closed: back to the notice"),
    Row("public:base_detail", ("base",), get=ok(*PERSONAS), post=SAME),
    # 绩效考核结果: a published round's results for everybody; a round in reports or scoring does not exist.
    Row("public:evaluation_list", (), get=ok(*PERSONAS), post=SAME),
    Row("public:evaluation_results", ("pround_year",), get=ok(*PERSONAS), post=SAME),
    Row("public:evaluation_results_xlsx", ("pround_year",), get=ok(*PERSONAS, status=FILE), post=SAME),
    Row("public:evaluation_announcement_pdf", ("pround_year",), get=ok(*PERSONAS, status=FILE), post=SAME),
    *(Row(name, (year,), get=ok(*PERSONAS, status=404), post=SAME, note=f"{year}: not published")
      for name in ("public:evaluation_results", "public:evaluation_results_xlsx", "public:evaluation_announcement_pdf")
      for year in ("round_year", "eround_year")),
    # The open-data API (/api/v1/): read-only JSON, the same for everybody (it reads no session); every write
    # method 405. A's base is rectifying with a revocation only proposed; its certificate by number; the published
    # round's results, the others' years do not exist; the schema and its docs page.
    *(Row(name, args, get=ok(*PERSONAS), post=ok(*PERSONAS, status=405)) for name, args in (
        ("api:base_list", ()), ("api:base_detail", ("base",)), ("api:notice_list", ()),
        ("api:notice_detail", ("notice",)), ("api:result_list", ()), ("api:result_detail", ("pround_year",)),
        ("api:certificate_detail", ("cert_number",)), ("api:schema", ()), ("api:docs", ()))),
    *(Row("api:result_detail", (year,), get=ok(*PERSONAS, status=404), post=ok(*PERSONAS, status=405),
          note=f"{year}: not published") for year in ("round_year", "eround_year")),
    Row("api:not_found", (), get=ok(*PERSONAS, status=404), post=ok(*PERSONAS, status=404),
        note="/api/v1/ itself, or any path under it naming no endpoint: the API's JSON 404"),
]

# Patterns with no row, and why (a pattern with neither fails test_every_url_is_in_the_matrix). Unnamed patterns go
# by their route.
EXEMPT = {
    # Cannot be called meaningfully as a page: Django's language switch and a static file.
    "set_language": "Django's i18n view: sets the language cookie and redirects, the same for everybody",
    "favicon.ico": "a static file (the site icon)",
}
EXEMPT_NAMESPACES = {"admin": "Django admin: staff only (is_staff), Django's own permission checks"}

# Cells that break a rule today, as {(url name, persona): pytest.mark.xfail(strict=True, reason=…)}:
# strict, so each fails once the code is fixed and its mark must go. Empty now.
KNOWN: dict = {}


def _cases(method: str) -> list:
    out = []
    for row in ROWS:
        if row.table(method) is None:
            continue
        for who in PERSONAS:
            marks = [KNOWN[(row.name, who)]] if (row.name, who) in KNOWN else []
            out.append(pytest.param(row, who, id=f"{row.id()}-{who}", marks=marks))
    return out


def _url(world: World, row: Row) -> str:
    return reverse(row.name, args=[world.ids.get(a, a) for a in row.args])


def _check(response, expected) -> None:
    where = f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']}"
    login = resolve_url(settings.LOGIN_URL)
    if expected == LOGIN:
        assert (response.status_code, response.get("Location", "")[:len(login)]) == (302, login), where
    elif expected == FILE:
        assert response.status_code == 200, where
        assert response.get("Content-Disposition", "").startswith(("attachment;", "inline;")), where
    elif expected == 302:
        assert response.status_code == 302, where
        assert not response["Location"].startswith(login), where
    else:
        assert response.status_code == expected, where


@pytest.fixture(scope="module")
def _shared_client():
    """One test client for the module: a new one rebuilds the middleware (WhiteNoise scans the static files)."""
    return Client()


@pytest.fixture
def client(_shared_client):
    """The shared client without cookies: each test starts anonymous."""
    _shared_client.cookies = SimpleCookie()
    return _shared_client


def _as(client, world: World, who: str):
    """The client signed in as `who` (the module's session of that persona), or anonymous."""
    if who != ANON:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[who]
    return client


@pytest.mark.parametrize(("row", "who"), _cases("GET"))
def test_get(client, world, row, who):
    """GET: the page or file for who may see it, 404 for every other signed-in user, login for anonymous."""
    _check(_as(client, world, who).get(_url(world, row)), row.expected("GET", who))


@pytest.mark.parametrize(("row", "who"), _cases("POST"))
def test_post(client, world, row, who):
    """POST: 404 for outsiders before anything is done; a visible record with a forbidden action 403; a refused
    POST (403, 404, 405, or anonymous to the login page) changes nothing in the database."""
    expected = row.expected("POST", who)
    refused = expected in (403, 404, 405) or (expected == LOGIN and who == ANON)
    before = _snapshot() if refused else None
    _check(_as(client, world, who).post(_url(world, row), row.data), expected)
    if refused:
        assert _snapshot() == before, f"a refused POST to {row.id()} by {who} changed the database"


def test_snapshot_sees_a_replaced_row():
    """Control for test_post: a row deleted and another written (the same count) changes the snapshot."""
    spare = f.AuthorityFactory()
    before = _snapshot()
    spare.delete()
    f.AuthorityFactory()
    assert _snapshot() != before


def _tables() -> list[str]:
    """Every model's table (auto-created many-to-many tables included), once."""
    from django.apps import apps

    return sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)
                   if m._meta.managed and not m._meta.proxy})


def _snapshot() -> list:
    """(table, row count, highest primary key) of every model table, in one query: a refused POST that wrote, deleted
    or replaced a row (the audit log, notifications and the outbox included) shows here. The key as text, since
    PostgreSQL's UNION wants one type per column (integer and text keys)."""
    from django.apps import apps
    from django.db import connection

    if not hasattr(_snapshot, "sql"):
        quote = connection.ops.quote_name
        pks = {m._meta.db_table: m._meta.pk.column for m in apps.get_models(include_auto_created=True)}
        _snapshot.sql = " UNION ALL ".join(
            f"SELECT '{t}', COUNT(*), CAST(MAX({quote(pks[t])}) AS TEXT) FROM {quote(t)}" for t in _tables())
    with connection.cursor() as cursor:
        cursor.execute(_snapshot.sql)
        return sorted(cursor.fetchall())  # PostgreSQL may return a UNION ALL's parts in any order


# ---- what a visible page shows -------------------------------------------------------------------------
def _text(client, world: World, who: str, name: str, *args: str) -> str:
    response = _as(client, world, who).get(reverse(name, args=[world.ids[a] for a in args]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("who", "name", "args"), [
    ("agency", "reviews:assess_detail", ("assessment",)), ("department", "reviews:assess_detail", ("assessment",)),
])
def test_panel_is_shown_to_agency_and_department(client, world, who, name, args):
    """Control for the next test: the panel's names are on the assessment page."""
    html = _text(client, world, who, name, *args)
    assert all(n in html for n in world.panel)


@pytest.mark.parametrize(("who", "name", "args"), [
    ("applicant", "applications:detail", ("app",)), ("partner", "applications:detail", ("app",)),
    ("authority", "applications:detail", ("app",)), ("authority", "reviews:rec_review", ("rec",)),
])
def test_panel_experts_unknown_to_applicant_side(client, world, who, name, args):
    """Applicant, partner and authority cannot open the assessment, so the experts' names stay hidden."""
    html = _text(client, world, who, name, *args)
    assert [n for n in world.panel if n in html] == []


def test_expert_does_not_see_the_other_experts(client, world):
    """Blind scoring: E's seat page names no other expert."""
    html = _text(client, world, "expert", "reviews:assess_assignment", "seat")
    assert [n for n in world.panel if n in html] == [str(world.users["expert"])]


@pytest.mark.parametrize(("who", "name", "args"), [
    (ANON, "public:notice_detail", ("notice",)), (ANON, "api:notice_detail", ("notice",)),
    ("applicant", "applications:detail", ("app",)),
    ("authority", "reviews:rec_review", ("rec",)), ("agency", "reviews:assess_detail", ("assessment",)),
])
def test_objector_identity_stays_with_staff(client, world, who, name, args):
    """Nobody but department staff learns who objected."""
    html = _text(client, world, who, name, *args)
    assert OBJECTOR[0] not in html and OBJECTOR[1] not in html
    staff = _text(client, world, "department", "reviews:notice_objection_handle", "objection")
    assert OBJECTOR[0] in staff  # control: the identity is recorded


@pytest.mark.parametrize(("name", "args", "link", "insider", "outsiders"), [
    ("applications:list", (), ("applications:detail", "app"), "authority", ("other_authority", "regional")),
    ("reviews:rec_batches", (), ("reviews:rec_batch", "batch"), "authority", ("other_authority", "regional")),
    ("registrations", (), ("registration_detail", "registration"), "authority", ("other_authority", "regional")),
    ("evaluations:base_list", (), ("evaluations:base_detail", "base"), "authority",
     ("other_authority", "regional", "other_applicant")),
    ("evaluations:rectification_list", (), ("evaluations:rectification_detail", "rect"), "authority",
     ("other_authority", "regional", "other_applicant")),
    ("subsidies:ledger_list", (), ("evaluations:base_detail", "base"), "authority",
     ("other_authority", "regional", "other_applicant")),
    ("evaluations:rectification_list", (), ("evaluations:rectification_detail", "rect"), "agency",
     ("other_agency",)),
    ("reviews:assess_commissions", (), ("reviews:assess_detail", "assessment"), "agency", ("other_agency",)),
    ("reviews:assess_my", (), ("reviews:assess_assignment", "seat"), "expert", ("other_expert",)),
    ("sharing:request_incoming", (), ("sharing:request_detail", "service_request"), "applicant",
     ("partner", "other_applicant")),
])
def test_scoped_lists_show_a_only_to_its_side(client, world, name, args, link, insider, outsiders):
    """A list that answers 200 to an outsider of the same role (the matrix's "scoped inside") links none of A's
    records."""
    href = f'href="{reverse(link[0], args=[world.ids[link[1]]])}"'
    assert href in _text(client, world, insider, name, *args)  # control: A's record is on the insider's list
    assert [who for who in outsiders if href in _text(client.__class__(), world, who, name, *args)] == []


def test_public_pages_show_no_private_catalogue_field(client, world):
    """Every public page the matrix opens anonymously (200) leaves out A's private contact and the entry staff hid;
    control: A's visible entry is on the base's public page."""
    rows = [r for r in ROWS if r.name.split(":")[0] in ("public", "api") and r.get and r.get.get(ANON) == 200]
    leaks = [r.id() for r in rows if {"矩阵联系人", "矩阵隐藏服务"} & set(_words(client.get(_url(world, r))))]
    assert leaks == []
    assert "矩阵检测服务" in client.get(reverse("public:base_detail", args=[world.ids["base"]])).content.decode()


def _words(response) -> list[str]:
    text = response.content.decode(errors="ignore")
    return [w for w in ("矩阵联系人", "矩阵隐藏服务") if w in text]


# ---- every URL has a row ----------------------------------------------------------------------------------------
def _patterns(resolver=None, prefix: str = "", ns: str = "", args: bool = False):
    """(namespace:name, route, takes an argument) of every pattern, nested includes included."""
    for p in (resolver or get_resolver()).url_patterns:
        takes = args or p.pattern.regex.groups > 0
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern), f"{ns}{p.namespace}:" if p.namespace else ns, takes)
        elif isinstance(p, URLPattern):
            yield f"{ns}{p.name or ''}", prefix + str(p.pattern), takes


def _missing() -> list[str]:
    covered = {row.name for row in ROWS}
    return [f"{name}: {route}" for name, route, _takes in _patterns()
            if (name or route) not in covered and (name or route) not in EXEMPT
            and name.split(":")[0] not in EXEMPT_NAMESPACES]


def test_every_url_is_in_the_matrix():
    """A new URL, with or without an argument, fails here until it gets a row in ROWS (or an exemption with its
    reason)."""
    missing = _missing()
    assert missing == [], "URLs without an access-matrix row:\n" + "\n".join(missing)


def summary() -> str:
    """The line `make test` prints (tests/conftest.py, pytest_terminal_summary)."""
    patterns = list(_patterns())
    cases = len(_cases("GET")) + len(_cases("POST"))
    exempt = sum(1 for name, route, _t in patterns if (name or route) in EXEMPT or name.split(":")[0] in
                 EXEMPT_NAMESPACES)
    return (f"access matrix: {cases} cases ({len(_cases('GET'))} GET, {len(_cases('POST'))} POST) on {len(ROWS)} rows "
            f"× {len(PERSONAS)} personas; {len(patterns)} URL patterns, {exempt} excluded, "
            f"{len(_missing())} without a row")


def test_matrix_rows_resolve():
    """Every row names a real URL (a renamed view must not leave a row that tests nothing)."""
    names = {name for name, _route, _takes in _patterns()}
    assert {row.name for row in ROWS} - names == set()
