"""Demo data of 奖补 (issue 9, "Demo data"): one function per part — seed_construction, seed_rewards,
seed_recovery — each once (skipped when its records exist), put in place through the services by the people who
act in the portal. `seed` runs the parts that exist, in order (registered from hooks)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal


def _last_published_year() -> int | None:
    """The latest evaluation year with results: a published round's year, or the latest imported year."""
    from evaluations.models import EvaluationResult, EvaluationRound
    from subsidies.services.rewards import PUBLISHED_ROUND_STATES

    years = set(EvaluationResult.objects.values_list("year", flat=True).distinct())
    years |= set(EvaluationRound.objects.filter(state__in=PUBLISHED_ROUND_STATES).values_list("year", flat=True))
    return max(years) if years else None


def seed_rewards(core: dict) -> None:
    """运行奖补 for the last published evaluation year: the list computed from the grades (the first batch's 2025
    grades: 优秀 and 良好 rewarded, 合格 and below, the revoked and the rectifying bases listed with why), one amount
    adjusted with its reason, submitted by one staff member and approved by another (the GRANT rows in the
    ledger, the bases told), the first line disbursed and the others awaiting disbursement."""
    from django.utils import timezone

    from evaluations.models import EvaluationRound
    from pilotbase.demo import _user
    from pilotbase.models import Role

    from .models import RewardYear
    from .services import rewards as svc

    year = _last_published_year()
    if year is None or RewardYear.objects.filter(evaluation_year=year).exists():
        return
    staff = core["users"]["department"]
    second = _user("demo_department2", Role.DEPARTMENT, core["department"], "李", "科长")
    rnd = EvaluationRound.objects.filter(year=year, state__in=svc.PUBLISHED_ROUND_STATES).first()
    reward_year = svc.reward_year_create(
        actor=staff, evaluation_year=year, round=rnd, year=year + 1, min_grade="good", budget=Decimal("2000000"),
        tiers={"excellent": Decimal("400000"), "good": Decimal("200000")},
        note="按《实施方案》五.（二），对考核优秀、良好的基地给予奖励性后补助。",
    )
    lines = list(reward_year.lines.filter(eligible=True, amount__gt=0).order_by("-amount", "base_id"))
    if not lines:
        return
    good = next((line for line in lines if line.grade == "good"), None)
    if good is not None:
        svc.reward_line_adjust(line=good, actor=staff, amount=good.amount + Decimal("50000"),
                               reason="对外中试服务量和区外服务企业数居同档次首位，上浮5万元。")
    reward_year = svc.reward_year_propose(reward_year=reward_year, actor=staff)
    reward_year = svc.reward_year_approve(reward_year=reward_year, actor=second, opinion="同意。",
                                          document_no=f"桂科成字〔{year + 1}〕18号",
                                          approved_on=timezone.localdate() - timedelta(days=10))
    first = reward_year.lines.filter(eligible=True, amount__gt=0).order_by("-amount", "base_id").first()
    svc.reward_line_disburse(line=first, actor=staff, disbursed_on=timezone.localdate() - timedelta(days=3),
                             document_no=f"桂财教〔{year + 1}〕27号")


def seed_construction(core: dict) -> None:
    """建设支持 for the newly built platforms of the later batches (evaluations.demo.PLATFORMS): the annual budgets,
    staff's confirmation that each platform is newly built, each grant proposed by one staff member and approved by
    another (GRANT rows), disbursed (DISBURSEMENT rows) and then, in its two-year window: one with spending
    reported and closed as completed, one whose window has ended without a close (overdue), one in its window with
    spending reported."""
    from django.utils import timezone

    from evaluations.demo import PLATFORMS, base_name
    from pilotbase.demo import _user
    from pilotbase.models import Base, Role

    from .models import ConstructionGrant, SupportKind
    from .services import construction as svc

    if ConstructionGrant.objects.exists():
        return
    bases = {title: Base.objects.filter(name=base_name(title)).first() for title in PLATFORMS}
    if not all(bases.values()):
        return
    staff = core["users"]["department"]
    second = _user("demo_department2", Role.DEPARTMENT, core["department"], "李", "科长")
    today = timezone.localdate()
    plans = [  # title, amount, days since disbursement, spending reported, closed as completed
        ("海洋装备", Decimal("3000000"), 800, [("中试放大生产线（船用复合材料）", "1860000.00", True),
                                               ("中试工艺验证及检测", "1090000.00", False)], True),
        ("桉木家居", Decimal("2000000"), 745, [("环保胶黏剂中试装置", "820000.00", True)], False),
        ("六堡茶", Decimal("2500000"), 200, [("概念验证实验室改造", "640000.00", False),
                                             ("发酵工艺中试设备", "455000.50", True)], False),
    ]
    for year in sorted({(today - timedelta(days=days)).year for _t, _a, days, _s, _c in plans}):
        svc.support_budget_set(actor=staff, year=year, kind=SupportKind.CONSTRUCTION, amount=Decimal("6000000"),
                               note="自治区本级科技成果转化中试研究基地建设支持资金")
    for n, (title, amount, days, spending, completed) in enumerate(plans, start=1):
        base, disbursed_on = bases[title], today - timedelta(days=days)
        svc.construction_check_record(actor=staff, base=base, cultivation_confirmed=None, newly_built=True,
                                      note="经核实，该平台为认定后新建的重点产业中试平台。")
        grant = svc.construction_propose(actor=staff, base=base, year=disbursed_on.year, amount=amount,
                                         basis="按《实施方案》五.（一），对新建的重大中试平台、概念验证中心给予建设支持。")
        grant = svc.construction_approve(grant=grant, actor=second, opinion="同意。",  # decided before it was paid
                                         document_no=f"桂科成字〔{disbursed_on.year}〕{30 + n}号",
                                         approved_on=disbursed_on - timedelta(days=14))
        grant = svc.construction_disburse(grant=grant, actor=staff, disbursed_on=disbursed_on, amount=amount,
                                          document_no=f"桂财教〔{disbursed_on.year}〕{40 + n}号")
        user = base.lead_unit.users.filter(role=Role.APPLICANT).first() or staff
        for i, (item, value, equipment) in enumerate(spending, start=1):
            svc.spending_report(grant=grant, actor=user, item=item, amount=Decimal(value),
                                spent_on=min(today, disbursed_on + timedelta(days=60 * i)), is_equipment=equipment,
                                equipment=f"{item}（1台/套）" if equipment else "")
        if completed:
            svc.construction_close(grant=grant, actor=staff, completed=True,
                                   note="两年建设期内完成建设任务，资金使用符合规定，经验收合格。",
                                   closed_on=disbursed_on + timedelta(days=735))


def seed(core: dict) -> None:
    """Every part of 奖补 that exists, construction first (a base with construction support changes who is
    eligible for operating rewards), then rewards, then recovery."""
    for name in ("seed_construction", "seed_rewards", "seed_recovery"):
        func = globals().get(name)
        if func is not None:
            func(core)


def seed_recovery(core: dict) -> None:
    """追回 after the demo's revocation: a recovery opened by staff for the revoked base (the funds the ledger says
    it received from certification to revocation; a base whose support was paid before the portal, with no ledger
    rows, is claimed its imported construction support with that reason), a first payment received: 部分缴回."""
    from django.utils import timezone

    from evaluations.models import PriorSupport
    from evaluations.selectors_consequences import revocations_for_recovery

    from .services import recovery as svc

    revocation = revocations_for_recovery().filter(recovery__isnull=True).first()
    if revocation is None:
        return
    staff = core["users"]["department"]
    today = timezone.localdate()
    start, end = svc.default_period(base=revocation.base, until=revocation.revoked_on)
    amount, why = None, ""
    if svc.funds_received(base=revocation.base, period_from=start, period_to=end) <= 0:
        prior = PriorSupport.objects.filter(base=revocation.base).first()
        amount = prior.amount if prior is not None else Decimal("500000.00")
        why = "平台上线前拨付的建设支持资金，按导入记录追回。"
    recovery = svc.recovery_open_for_revocation(revocation=revocation, actor=staff, due_on=today + timedelta(days=45),
                                                amount=amount, amount_reason=why)
    first = (recovery.amount / 3).quantize(Decimal("0.01"))
    svc.recovery_repay(recovery=recovery, actor=staff, amount=first, paid_on=today, document_no="桂财缴〔2026〕001号")
