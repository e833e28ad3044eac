"""The experts mode of scoring through the services: the recorded, conflict-of-interest-aware draw for a base
(pilotbase.panels), seats accepted with the declaration or declined (and redrawn), each expert's sheet, the panel
score by the round's rule, and the guards."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from evaluations.models import EvaluationDraw, EvaluationState, Grade, SeatState
from evaluations.services import seats as svc
from evaluations.services.scoring import ScoreProblems
from pilotbase.expert_pool import expert_facts
from pilotbase.models import ExpertKind, Notification
from pilotbase.panels import draw_panel
from pilotbase.workflow import WorkflowError, blocked_reasons
from tests import factories as f

from .round_world import world
from .scoring_world import scoring_round, sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world(certified=[date(2023, 5, 1)])


def _pool(w, n=6):
    kinds = [ExpertKind.TECHNICAL, ExpertKind.MANAGEMENT, ExpertKind.FINANCIAL]
    experts = [f.ExpertProfileFactory(kind=kinds[i % 3]) for i in range(n)]
    # a conflicted one: works at the base's lead unit, and one who declared a conflict with it
    f.ExpertProfileFactory(user__organization=w.bases[0].lead_unit)
    declared = f.ExpertProfileFactory()
    declared.conflicts.add(w.bases[0].lead_unit)
    return experts, declared


def _experts_round(w, **settings):
    settings.setdefault("panel_size", 5)
    rnd = scoring_round(w, scoring_mode="experts", **settings)
    return rnd, rnd.evaluations.get()


def _seated(w, ev, values):
    """Every seat accepts and submits its sheet with the given totals (one value per seat)."""
    for seat, value in zip(ev.seats.order_by("id"), values, strict=True):
        seat = svc.seat_accept(seat=seat, actor=seat.expert.user, no_conflict=True)
        svc.seat_submit(seat=seat, actor=seat.expert.user, entries=sheet(ev.round, value))


def test_the_draw_is_recorded_reproducible_and_avoids_conflicts(w):
    experts, declared = _pool(w)
    rnd, ev = _experts_round(w)
    draw = svc.evaluation_panel_draw(evaluation=ev, actor=w.agency, seed="fixed-seed")
    assert (draw.seed, len(draw.drawn), ev.seats.count()) == ("fixed-seed", 5, 5)
    excluded = {e["expert"]: e["reason"] for e in draw.exclusions}
    assert sorted(excluded.values()) == ["已申明与牵头单位存在利益关系，须回避", "所在单位为牵头单位，须回避"]
    assert declared.pk in excluded and not set(excluded) & set(draw.drawn)
    facts = dataclasses.replace(svc.base_facts(ev), seated=frozenset())
    assert (
        draw_panel(expert_facts(), facts, "fixed-seed", 5).drawn == draw.drawn
    )  # anyone can re-run the record
    told = Notification.objects.filter(kind="evaluation.invited").count()
    assert told == 5
    with pytest.raises(WorkflowError, match="已抽取专家"):
        svc.evaluation_panel_draw(evaluation=ev, actor=w.agency)


def test_only_the_round_agency_draws_and_only_in_the_experts_mode(w):
    _pool(w)
    rnd, ev = _experts_round(w)
    for actor in (w.staff, f.AgencyUserFactory()):
        with pytest.raises(PermissionDenied):
            svc.evaluation_panel_draw(evaluation=ev, actor=actor)
    staff_rnd = scoring_round(w, year=2026, scoring_mode="staff")
    with pytest.raises(WorkflowError, match="不抽取专家"):
        svc.evaluation_panel_draw(evaluation=staff_rnd.evaluations.get(), actor=w.agency)


def test_accepting_needs_the_declaration_and_declining_a_reason_then_a_redraw(w):
    _pool(w)
    rnd, ev = _experts_round(w, panel_size=3)
    svc.evaluation_panel_draw(evaluation=ev, actor=w.agency)
    first, second, _third = ev.seats.select_related("expert__user").order_by("id")
    with pytest.raises(WorkflowError, match="无利益关系"):
        svc.seat_accept(seat=first, actor=first.expert.user, no_conflict=False)
    with pytest.raises(PermissionDenied):
        svc.seat_accept(seat=first, actor=second.expert.user, no_conflict=True)
    first = svc.seat_accept(seat=first, actor=first.expert.user, no_conflict=True)
    assert (first.state, first.declaration) == (
        SeatState.ACCEPTED,
        "本人确认与该基地的牵头单位、共建单位无利益关系。",
    )
    with pytest.raises(WorkflowError, match="理由"):
        svc.seat_decline(seat=second, actor=second.expert.user, reason=" ")
    second = svc.seat_decline(
        seat=second, actor=second.expert.user, reason="曾为该基地提供咨询服务，申请回避"
    )
    assert second.state == SeatState.DECLINED
    draw = svc.evaluation_seat_redraw(seat=second, actor=w.agency)
    assert draw.replaces == second and len(draw.drawn) == 1
    assert ev.seats.count() == 4 and second.expert_id not in draw.drawn
    with pytest.raises(WorkflowError, match="已补抽"):
        svc.evaluation_seat_redraw(seat=second, actor=w.agency)


def test_an_expert_sheet_is_checked_like_the_staff_one(w):
    _pool(w)
    rnd, ev = _experts_round(w, panel_size=1)
    svc.evaluation_panel_draw(evaluation=ev, actor=w.agency)
    seat = ev.seats.select_related("expert__user").get()
    with pytest.raises(WorkflowError):  # not accepted yet
        svc.seat_submit(seat=seat, actor=seat.expert.user, entries=sheet(rnd, "80"))
    seat = svc.seat_accept(seat=seat, actor=seat.expert.user, no_conflict=True)
    with pytest.raises(ScoreProblems):
        svc.seat_submit(seat=seat, actor=seat.expert.user, entries=sheet(rnd, "101"))
    seat = svc.seat_submit(seat=seat, actor=seat.expert.user, entries=sheet(rnd, "80"))
    assert (seat.state, seat.total, seat.scores.count()) == (SeatState.SUBMITTED, Decimal("80.00"), 6)


@pytest.mark.parametrize(
    "rule, totals, expected",
    [
        ("trimmed", ["95", "60", "80", "82", "84"], Decimal("82.00")),  # without 95 and 60
        ("mean", ["95", "60", "80", "82", "84"], Decimal("80.20")),
        ("trimmed", ["90", "70", "80"], Decimal("80.00")),  # fewer than 5: the mean
    ],
)
def test_the_panel_score_follows_the_round_rule(w, rule, totals, expected):
    _pool(w)
    rnd, ev = _experts_round(w, panel_size=len(totals), panel_rule=rule)
    svc.evaluation_panel_draw(evaluation=ev, actor=w.agency)
    assert blocked_reasons(ev, "score_panel") == [
        "须至少一名专家提交评分，且已接受邀请的专家全部提交、未答复的邀请全部了结。"
    ]
    _seated(w, ev, totals)
    ev = svc.evaluation_panel_score(evaluation=ev, actor=w.agency)
    assert (ev.state, ev.total) == (EvaluationState.SCORED, expected)


def test_a_veto_any_expert_marks_forces_fail(w):
    _pool(w)
    rnd, ev = _experts_round(w, panel_size=2, panel_rule="mean")
    svc.evaluation_panel_draw(evaluation=ev, actor=w.agency)
    first, second = ev.seats.select_related("expert__user").order_by("id")
    for seat, veto in ((first, False), (second, True)):
        seat = svc.seat_accept(seat=seat, actor=seat.expert.user, no_conflict=True)
        svc.seat_submit(seat=seat, actor=seat.expert.user, entries=sheet(rnd, "95", veto=veto))
    ev = svc.evaluation_panel_score(evaluation=ev, actor=w.agency)
    assert (ev.total, ev.proposed_grade, ev.fail_reason) == (
        Decimal("95.00"),
        Grade.FAIL,
        "一票否决：重大安全或环境事故",
    )


def test_a_declined_seat_does_not_hold_the_panel_back(w):
    _pool(w)
    rnd, ev = _experts_round(w, panel_size=2, panel_rule="mean")
    svc.evaluation_panel_draw(evaluation=ev, actor=w.agency)
    first, second = ev.seats.select_related("expert__user").order_by("id")
    svc.seat_decline(seat=second, actor=second.expert.user, reason="出差")
    seat = svc.seat_accept(seat=first, actor=first.expert.user, no_conflict=True)
    svc.seat_submit(seat=seat, actor=seat.expert.user, entries=sheet(rnd, "70"))
    with pytest.raises(PermissionDenied):
        svc.evaluation_panel_score(evaluation=ev, actor=w.staff)
    assert svc.evaluation_panel_score(evaluation=ev, actor=w.agency).total == Decimal("70.00")
    assert EvaluationDraw.objects.filter(evaluation=ev).count() == 1


# ---- pages -------------------------------------------------------------------------------------------------
def _as(client, user):
    client.force_login(user)
    return client


def test_the_agency_draws_from_the_page_and_the_expert_scores_on_the_seat_page(client, w):
    from django.urls import reverse

    _pool(w)
    rnd, ev = _experts_round(w, panel_size=1)
    url = reverse("evaluations:evaluation_detail", args=[ev.pk])
    assert _as(client, w.agency).post(url, {"panel": "draw"}).status_code == 302
    seat = ev.seats.select_related("expert__user").get()
    assert _as(client, w.staff).post(url, {"panel": "draw"}).status_code == 403
    seat_url = reverse("evaluations:seat_detail", args=[seat.pk])
    expert = seat.expert.user
    html = _as(client, expert).get(reverse("evaluations:seat_mine")).content.decode()
    assert seat_url in html
    html = client.get(seat_url).content.decode()
    assert 'id="figures"' in html and 'id="accept-form"' in html and 'id="score-form"' not in html
    response = client.post(seat_url, {"action": "accept", "expected_state": "invited"})
    assert response.status_code == 200
    assert (
        "请确认与本基地的牵头单位、共建单位无利益关系；有利益关系的，请选择回避。"
        in response.content.decode()
    )
    seat.refresh_from_db()
    assert seat.state == SeatState.INVITED  # the declaration box was not ticked
    client.post(seat_url, {"action": "accept", "expected_state": "invited", "no_conflict": "on"})
    seat.refresh_from_db()
    assert seat.state == SeatState.ACCEPTED
    data = {"action": "submit", "expected_state": "accepted", "comment": "良好"}
    for ind in rnd.indicators.all():
        data[f"score_{ind.pk}"] = "" if ind.is_veto else "88"
    first = next(i for i in rnd.indicators.order_by("order") if not i.is_veto)
    response = client.post(seat_url, {**data, f"score_{first.pk}": "120"})
    assert response.status_code == 200
    assert f'id="score_{first.pk}-error">得分应在0至100分之间。' in response.content.decode()
    assert client.post(seat_url, data).status_code == 302
    seat.refresh_from_db()
    assert (seat.state, seat.total) == (SeatState.SUBMITTED, Decimal("88.00"))
    html = _as(client, w.agency).get(url).content.decode()
    assert 'id="score_panel-action"' in html and 'id="score_panel-hint"' not in html
    client.post(url, {"transition": "score_panel", "expected_state": "pending"})
    ev.refresh_from_db()
    assert (ev.state, ev.total, ev.proposed_grade) == (EvaluationState.SCORED, Decimal("88.00"), Grade.GOOD)


def test_an_expert_sees_only_its_own_seats(client, w):
    from django.urls import reverse

    experts, _declared = _pool(w)
    rnd, ev = _experts_round(w, panel_size=1)
    svc.evaluation_panel_draw(evaluation=ev, actor=w.agency)
    seat = ev.seats.get()
    other = next(e.user for e in experts if e.pk != seat.expert_id)
    assert _as(client, other).get(reverse("evaluations:seat_detail", args=[seat.pk])).status_code == 404
    assert (
        reverse("evaluations:seat_detail", args=[seat.pk])
        not in client.get(reverse("evaluations:seat_mine")).content.decode()
    )
    assert _as(client, w.agency).get(reverse("evaluations:seat_mine")).status_code == 404


def test_declining_without_a_reason_keeps_the_seat(client, w):
    from django.urls import reverse

    _pool(w)
    rnd, ev = _experts_round(w, panel_size=1)
    svc.evaluation_panel_draw(evaluation=ev, actor=w.agency)
    seat = ev.seats.select_related("expert__user").get()
    url = reverse("evaluations:seat_detail", args=[seat.pk])
    response = _as(client, seat.expert.user).post(url, {"action": "decline", "reason": ""})
    assert (
        response.status_code == 200
        and 'id="reason-error">请填写谢绝或回避的理由。' in response.content.decode()
    )
    assert client.post(url, {"action": "decline", "reason": "与牵头单位有合作项目"}).status_code == 302
    seat.refresh_from_db()
    assert (seat.state, seat.decline_reason) == (SeatState.DECLINED, "与牵头单位有合作项目")
