"""A public world for the open-data API tests, built through the real services (round_world's personas):

- three imported bases with certificates: A stays active, R is ordered to rectify, X is revoked (proposed by one
  staff member, confirmed by another, so its certificate is revoked too);
- a 2024 round taken to published (grades public, scores not), its 公示 of results; a 2025 round still in scoring;
- a certification call with A's-side application on notice (an objection filed with the objector's name and
  phone) and a second application's notice left as a draft.

`PRIVATE` holds values that exist in the database and must never come out of the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from evaluations.models.round import round_judged_on
from evaluations.services import rectification as rect_svc
from evaluations.services import revocation as rev_svc
from evaluations.services import round as round_svc
from evaluations.services import scoring as scoring_svc
from reviews.models import PublicNotice
from reviews.models.certification import notice_judged_on
from reviews.services import certification as cert
from tests import factories as f
from tests import pipeline
from tests.evaluations.round_world import World as RoundWorld
from tests.evaluations.round_world import world as round_world
from tests.evaluations.scoring_world import score, scoring_round

CERTIFIED = date(2023, 5, 1)
OBJECTOR = ("王异议人", "13912345678", "异议人所在单位（保密）")
CONTACT = ("联系人甲乙", "0771-8765432", "private-contact@applicant.example.cn")
SCORES = ("86.75", "64.25", "58.50")  # the published 2024 round: never shown (scores not public)
UNPUBLISHED_SCORE = "91.35"  # the 2025 round, in scoring


@dataclass
class ApiWorld:
    rw: RoundWorld
    active: object
    rectifying: object
    revoked: object
    published_round: object
    scoring_round: object
    notice: PublicNotice  # certification list, published, with an objection
    draft: PublicNotice  # never public
    results_notice: PublicNotice  # the 2024 round's 公示 of results

    @property
    def private(self) -> list[str]:
        return [*OBJECTOR, *CONTACT, *(f"{Decimal(s):.2f}" for s in SCORES), UNPUBLISHED_SCORE,
                self.draft.title, "拟认定草稿项目科技成果转化中试研究基地", "该单位中试线尚未建成（异议）",
                "基地来函申请撤销（内部）", "监督检查发现问题（内部）"]


def published_round(w: RoundWorld, values, *, year: int):
    """A round whose bases (by id) were scored `values`, grades confirmed, its 公示 run to its end and published."""
    rnd = scoring_round(w, year=year)
    for ev, value in zip(rnd.evaluations.order_by("base_id"), values, strict=True):
        score(w, ev, value)
    scoring_svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    rnd = round_svc.round_advance(rnd=rnd, actor=w.staff, name="open_notice")
    ends_on = rnd.notice.ends_on
    with round_judged_on(ends_on), notice_judged_on(ends_on):  # the results' 公示 period has run
        return round_svc.round_advance(rnd=rnd, actor=w.staff, name="publish")


def build() -> ApiWorld:
    w = round_world(certified=[CERTIFIED] * 3)
    active, rectifying, revoked = w.bases
    colleague = f.DepartmentUserFactory(username="api_colleague")

    rnd = published_round(w, SCORES, year=2024)
    later = scoring_round(w, year=2025)
    score(w, later.evaluations.order_by("base_id").first(), UNPUBLISHED_SCORE)

    rect_svc.rectification_order(base=rectifying, actor=w.staff, year=2024, reason="监督检查发现问题（内部）",
                                 requirements="完善制度。")
    rev = rev_svc.revocation_propose_other(base=revoked, actor=w.staff, reason_kind="base_request",
                                           reason="基地来函申请撤销（内部）")
    rev_svc.revocation_confirm(revocation=rev, actor=colleague, revoked_on=timezone.localdate())

    call = f.CallFactory()
    app = f.ApplicationFactory(call=call, applicant=f.ApplicantOrgFactory(authority=w.bureau),
                               contact_name=CONTACT[0], contact_phone=CONTACT[1], contact_email=CONTACT[2])
    app = pipeline.advance(app, to="on_notice", people=pipeline.People.for_application(app, department=w.staff,
                                                                                         agency=w.agency))
    notice = app.notice_entries.get().notice
    cert.objection_file(entry=notice.entries.get(), content="该单位中试线尚未建成（异议）", objector_name=OBJECTOR[0],
                        objector_phone=OBJECTOR[1], objector_org=OBJECTOR[2])
    other = f.ApplicationFactory(call=call, applicant=f.ApplicantOrgFactory(authority=w.bureau),
                                 name="拟认定草稿项目科技成果转化中试研究基地")
    other = pipeline.advance(other, to="passed", people=pipeline.People.for_application(
        other, department=w.staff, agency=w.agency))
    draft = cert.notice_create(call=call, applications=[other], title="未发布的拟认定名单公示（草稿）", body="草稿。",
                               starts_on=timezone.localdate(), actor=w.staff)
    results_notice = PublicNotice.objects.get(kind="evaluation")
    return ApiWorld(rw=w, active=active, rectifying=rectifying, revoked=revoked, published_round=rnd,
                    scoring_round=later, notice=PublicNotice.objects.get(pk=notice.pk), draft=draft,
                    results_notice=results_notice)
