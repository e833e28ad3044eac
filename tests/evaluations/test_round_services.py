"""The round: created with the default inclusion rule, copied from last year, bases in and out with a reason,
indicator rows and bands checked, and the guards of each phase as a state table."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from evaluations.models import AnnualReport, EvaluationRound, RoundBase, RoundState
from evaluations.models.round import default_included, one_year_before
from evaluations.services import round as svc
from evaluations.services.round import BandRow, IndicatorRow
from pilotbase.models import Notification
from pilotbase.recipients import Kind
from pilotbase.workflow import WorkflowError, blocked_reasons, transition_run
from tests import factories as f

from .round_world import world

pytestmark = pytest.mark.django_db

REF = date(2025, 12, 31)


# ---- the default rule ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("certified_on", "included"),
    [
        (date(2024, 12, 31), True),  # exactly one full year before the reference date
        (date(2024, 1, 5), True),
        (date(2025, 1, 1), False),  # a day short of a year
        (date(2025, 11, 30), False),
    ],
)
def test_default_rule_needs_one_full_year_before_reference_date(certified_on, included):
    w = world(certified=[certified_on])
    rnd = w.round(reference_date=REF)
    assert list(rnd.round_bases.filter(included=True).values_list("base_id", flat=True)) == (
        [w.bases[0].pk] if included else []
    )


def test_default_rule_takes_active_and_rectifying_not_revoked():
    w = world(certified=[date(2023, 5, 1)] * 3)
    active, rectifying, revoked = w.bases
    transition_run(instance=rectifying, name="order_rectification", actor=w.staff)
    transition_run(instance=revoked, name="revoke", actor=w.staff)
    assert sorted(default_included(REF).values_list("pk", flat=True)) == [active.pk, rectifying.pk]


def test_one_year_before_29_february_is_28_february():
    assert one_year_before(date(2028, 2, 29)) == date(2027, 2, 28)


def test_round_create_defaults_rows_and_bases():
    w = world(certified=[date(2023, 5, 1), date(2025, 6, 1)])
    rnd = w.round(reference_date=REF)
    assert rnd.state == RoundState.DRAFT
    assert [(i.name, i.weight, i.is_veto) for i in rnd.indicators.all()] == [
        ("基础条件", Decimal(10), False),
        ("服务绩效", Decimal(30), False),
        ("服务能力", Decimal(30), False),
        ("运行管理", Decimal(20), False),
        ("社会信誉", Decimal(10), False),
        ("重大安全或环境事故", Decimal(0), True),
    ]
    assert [(b.grade, b.min_score, b.quota_percent) for b in rnd.bands.all()] == [
        ("excellent", Decimal(90), Decimal(20)),
        ("good", Decimal(80), None),
        ("pass", Decimal(60), None),
        ("rectify", Decimal(50), None),
        ("fail", Decimal(0), None),
    ]
    assert [(e.base_id, e.included, e.by_default) for e in rnd.round_bases.all()] == [
        (w.bases[0].pk, True, True)
    ]


def test_round_year_is_unique():
    w = world(certified=[])
    w.round(year=2025)
    with pytest.raises(WorkflowError, match="2025年度的考核已存在"):
        w.round(year=2025)


def test_round_create_refuses_deadline_before_reference_date():
    w = world(certified=[])
    with pytest.raises(WorkflowError, match="截止日期不能早于基准日"):
        svc.round_create(
            actor=w.staff, year=2025, title="t", reference_date=REF, report_deadline=REF - timedelta(1)
        )


def test_round_create_is_staff_work():
    w = world(certified=[])
    with pytest.raises(PermissionDenied):
        svc.round_create(actor=w.agency, year=2025, title="t", reference_date=REF, report_deadline=REF)


def test_new_round_copies_last_years_rows_and_settings_a_year_later():
    w = world(certified=[])
    last = w.round(year=2025, reference_date=REF, grace_days=9, authority_confirms=False, panel_size=7)
    svc.round_indicators_save(
        rnd=last,
        actor=w.staff,
        rows=[
            IndicatorRow("服务绩效", Decimal(60)),
            IndicatorRow("运行管理", Decimal(40), Decimal(50)),
            IndicatorRow("安全事故", Decimal(0), is_veto=True),
        ],
    )
    svc.round_bands_save(
        rnd=last,
        actor=w.staff,
        rows=[
            BandRow("excellent", Decimal(85), Decimal(15)),
            BandRow("pass", Decimal(60)),
            BandRow("fail", Decimal(0)),
        ],
    )
    initial = svc.round_initial(previous=last)
    assert (
        initial["year"],
        initial["reference_date"],
        initial["grace_days"],
        initial["authority_confirms"],
        initial["panel_size"],
        initial["agency"],
    ) == (2026, date(2026, 12, 31), 9, False, 7, w.agency.organization)
    new = svc.round_create(actor=w.staff, copy_from=last, **{k: v for k, v in initial.items()})
    assert [(i.name, i.weight, i.max_score, i.is_veto) for i in new.indicators.all()] == [
        ("服务绩效", Decimal(60), Decimal(100), False),
        ("运行管理", Decimal(40), Decimal(50), False),
        ("安全事故", Decimal(0), Decimal(100), True),
    ]
    assert [(b.grade, b.min_score, b.quota_percent) for b in new.bands.all()] == [
        ("excellent", Decimal(85), Decimal(15)),
        ("pass", Decimal(60), None),
        ("fail", Decimal(0), None),
    ]
    assert svc.previous_round(year=2026) == last


# ---- indicators and bands ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [IndicatorRow("服务绩效", Decimal(60)), IndicatorRow("运行管理", Decimal(30))],
            "计分指标的权重合计应为100，现为90。",
        ),
        (
            [IndicatorRow("服务绩效", Decimal(100)), IndicatorRow("服务绩效", Decimal(0), is_veto=True)],
            "指标名称不能重复。",
        ),
        (
            [IndicatorRow("服务绩效", Decimal(100)), IndicatorRow("事故", Decimal(5), is_veto=True)],
            "一票否决项不计权重，权重请填0。",
        ),
        ([IndicatorRow("事故", Decimal(0), is_veto=True)], "请至少设置一项计分指标。"),
        ([IndicatorRow("服务绩效", Decimal(100), Decimal(0))], "满分应大于0。"),
    ],
)
def test_indicator_problems(rows, message):
    assert message in svc.indicator_problems(rows)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [
                BandRow("excellent", Decimal(90)),
                BandRow("excellent", Decimal(80)),
                BandRow("pass", Decimal(60)),
            ],
            "每个等次只能设置一条分数线。",
        ),
        ([BandRow("excellent", Decimal(90))], "请设置“合格”的分数线。"),
        (
            [BandRow("excellent", Decimal(70)), BandRow("pass", Decimal(80))],
            "分数线应随等次降低而降低（优秀最高）。",
        ),
        ([BandRow("pass", Decimal(60), Decimal(120))], "比例上限应在0至100之间。"),
    ],
)
def test_band_problems(rows, message):
    assert message in svc.band_problems(rows)


def test_bands_save_refuses_and_keeps_the_old_bands():
    w = world(certified=[])
    rnd = w.round()
    with pytest.raises(WorkflowError, match="分数线应随等次降低而降低"):
        svc.round_bands_save(
            rnd=rnd, actor=w.staff, rows=[BandRow("good", Decimal(90)), BandRow("pass", Decimal(95))]
        )
    assert rnd.bands.count() == 5


# ---- bases in and out --------------------------------------------------------------------------------------
def test_include_and_exclude_need_a_reason_and_record_who():
    w = world(certified=[date(2023, 5, 1), date(2025, 10, 1)])
    old, young = w.bases
    rnd = w.round(reference_date=REF)
    with pytest.raises(WorkflowError, match="请填写调整理由"):
        svc.round_base_include(rnd=rnd, base=young, actor=w.staff, reason="  ")
    entry = svc.round_base_include(rnd=rnd, base=young, actor=w.staff, reason="建设期满，主动申请参评。")
    assert (entry.included, entry.by_default, entry.reason, entry.decided_by) == (
        True,
        False,
        "建设期满，主动申请参评。",
        w.staff,
    )
    out = svc.round_base_exclude(rnd=rnd, base=old, actor=w.staff, reason="本年度停产搬迁。")
    assert (out.included, out.by_default, out.reason) == (False, False, "本年度停产搬迁。")
    with pytest.raises(WorkflowError, match="不在参评名单中"):
        svc.round_base_exclude(rnd=rnd, base=old, actor=w.staff, reason="再次")


def test_new_reference_date_reapplies_the_rule_but_keeps_decisions():
    w = world(certified=[date(2023, 5, 1), date(2024, 6, 1), date(2024, 9, 1)])
    a, b, c = w.bases
    rnd = w.round(reference_date=date(2025, 6, 30), deadline_in=400)  # a, b by the rule
    svc.round_base_exclude(rnd=rnd, base=a, actor=w.staff, reason="停产")
    svc.round_update(rnd=rnd, actor=w.staff, reference_date=REF)  # c joins by the rule; a stays out
    assert {(e.base_id, e.included) for e in RoundBase.objects.filter(round=rnd)} == {
        (a.pk, False),
        (b.pk, True),
        (c.pk, True),
    }


def test_include_while_reports_open_makes_the_report_and_tells_the_base():
    w = world(certified=[date(2023, 5, 1), date(2025, 10, 1)])
    old, young = w.bases
    user = w.base_user(young)
    rnd = w.open_round(reference_date=REF)
    svc.round_base_include(rnd=rnd, base=young, actor=w.staff, reason="补充参评")
    assert AnnualReport.objects.filter(round=rnd, base=young, state="draft").exists()
    assert Notification.objects.filter(recipient=user, kind=Kind.EVALUATION_REPORTS_OPEN).count() == 1


def test_exclude_refused_once_the_base_has_submitted():
    w = world(certified=[date(2023, 5, 1)])
    rnd = w.open_round(reference_date=REF)
    w.filed(rnd.reports.get())
    with pytest.raises(WorkflowError, match="已提交过年度报告"):
        svc.round_base_exclude(rnd=rnd, base=w.bases[0], actor=w.staff, reason="x")


def test_settings_frozen_once_reports_open_except_the_deadline():
    w = world(certified=[date(2023, 5, 1)])
    rnd = w.open_round(reference_date=REF)
    with pytest.raises(WorkflowError, match="只能修改截止日期"):
        svc.round_update(rnd=rnd, actor=w.staff, authority_confirms=False)
    later = rnd.report_deadline + timedelta(days=10)
    assert svc.round_update(rnd=rnd, actor=w.staff, report_deadline=later).report_deadline == later


# ---- opening the reports -------------------------------------------------------------------------------------
def test_open_reports_makes_one_draft_per_included_base_and_tells_each_base():
    w = world(certified=[date(2023, 5, 1), date(2024, 2, 1), date(2025, 10, 1)])
    users = [w.base_user(b) for b in w.bases]
    rnd = w.open_round(reference_date=REF)
    assert rnd.state == RoundState.REPORTS_OPEN
    assert sorted(rnd.reports.values_list("base_id", "state")) == [
        (w.bases[0].pk, "draft"),
        (w.bases[1].pk, "draft"),
    ]
    told = Notification.objects.filter(kind=Kind.EVALUATION_REPORTS_OPEN)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [users[0].pk, users[1].pk, w.agency.pk]
    )


def _unready(w, what):
    rnd = w.round(reference_date=REF)
    if what == "no bases":
        rnd.round_bases.all().delete()
    elif what == "weights":
        svc.round_indicators_save(rnd=rnd, actor=w.staff, rows=[IndicatorRow("服务绩效", Decimal(100))])
        rnd.indicators.update(weight=Decimal(90))  # a row edited in admin: the guard still holds
    elif what == "no bands":
        rnd.bands.all().delete()
    elif what == "no agency":
        rnd = svc.round_update(rnd=rnd, actor=w.staff, agency=None)
    elif what == "deadline passed":
        rnd = svc.round_update(
            rnd=rnd,
            actor=w.staff,
            reference_date=REF - timedelta(days=400),
            report_deadline=timezone.localdate() - timedelta(days=1),
        )
    return rnd


@pytest.mark.parametrize(
    ("what", "message"),
    [
        ("ready", None),
        ("no bases", "请先列入参评基地。"),
        ("weights", "考核指标（一票否决项除外）的权重合计应为100。"),
        ("no bands", "请先设置等次分数线。"),
        ("no agency", "请先指定受委托的第三方机构。"),
        ("deadline passed", "报告提交截止日期已过，请先修改截止日期。"),
    ],
)
def test_open_reports_guard(what, message):
    w = world(certified=[date(2023, 5, 1)])
    rnd = _unready(w, what)
    assert blocked_reasons(rnd, "open_reports") == ([message] if message else [])
    if message:
        with pytest.raises(WorkflowError, match=message.rstrip("。")):
            svc.round_open_reports(rnd=rnd, actor=w.staff)
    else:
        assert svc.round_open_reports(rnd=rnd, actor=w.staff).state == RoundState.REPORTS_OPEN


@pytest.mark.parametrize("who", ["agency", "authority", "base"])
def test_open_reports_is_staff_only(who):
    w = world(certified=[date(2023, 5, 1)])
    rnd = w.round(reference_date=REF)
    actor = {"agency": w.agency, "authority": w.authority_user(w.bases[0]), "base": w.base_user(w.bases[0])}[
        who
    ]
    with pytest.raises(PermissionDenied):
        svc.round_open_reports(rnd=rnd, actor=actor)


@pytest.mark.parametrize(
    ("report_states", "ok"),
    [
        (["accepted"], True),
        (["accepted", "late"], True),
        (["accepted", "draft"], False),
        (["submitted"], False),
    ],
)
def test_start_scoring_needs_every_report_settled(report_states, ok):
    from evaluations.models.round import round_judged_on
    from evaluations.services import report as report_svc

    w = world(certified=[date(2023, 5, 1)] * len(report_states))
    rnd = w.open_round(reference_date=REF, authority_confirms=False)
    reports = list(rnd.reports.order_by("base_id"))
    for report, state in zip(reports, report_states, strict=True):
        if state in ("submitted", "accepted"):
            report = w.filed(report)
        if state == "accepted":
            report_svc.report_accept(report=report, actor=w.agency)
    with round_judged_on(rnd.final_day + timedelta(days=1)):
        for report, state in zip(reports, report_states, strict=True):
            if state == "late":
                report_svc.report_mark_late(report=report)
        rnd.refresh_from_db()
        assert blocked_reasons(rnd, "start_scoring") == (
            [] if ok else ["仍有基地的年度报告未受理，也未认定为逾期未交。"]
        )


def test_round_phases_in_order():
    w = world(certified=[])
    rnd = EvaluationRound.objects.get(pk=w.round().pk)
    with pytest.raises(WorkflowError, match="当前状态“筹备中”下不能执行“公布考核结果”"):
        svc.round_advance(rnd=rnd, actor=w.staff, name="publish")


def test_agency_must_be_an_agency():
    w = world(certified=[])
    with pytest.raises(Exception, match="agency"):
        w.round(agency=f.AuthorityFactory())
