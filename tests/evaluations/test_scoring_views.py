"""Scoring and grades pages: the agency's score sheet beside the report's figures (errors beside the row, input
kept), the staff confirmation page (quota explanations, a change without a reason refused with the input kept),
the base reading its own result only once published, and who sees what (404 otherwise)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from evaluations import selectors_scoring as sel
from evaluations.models import EvaluationState, Grade
from evaluations.services import round as round_svc
from evaluations.services import scoring as svc
from tests import factories as f

from .round_world import world
from .scoring_world import publish, quota_round, score, scoring_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world(certified=[date(2023, 5, 1)] * 2)


def _as(client, user):
    client.force_login(user)
    return client


def _post_sheet(client, ev, values, *, veto=False, comment="总体较好"):
    data = {"expected_state": ev.state, "comment": comment}
    for ind, value in zip(ev.round.indicators.order_by("order"), values, strict=True):
        if ind.is_veto:
            data[f"veto_{ind.pk}"] = "on" if veto else ""
        else:
            data[f"score_{ind.pk}"] = value
            data[f"note_{ind.pk}"] = f"{ind.name}意见"
    return client.post(reverse("evaluations:evaluation_detail", args=[ev.pk]), data)


def test_the_agency_scores_beside_the_figures(client, w):
    rnd = scoring_round(w)
    ev = rnd.evaluations.order_by("base_id").first()
    html = _as(client, w.agency).get(reverse("evaluations:evaluation_detail", args=[ev.pk])).content.decode()
    assert 'id="figures"' in html and 'id="score-form"' in html
    assert 'id="score_panel-action"' not in html  # no experts in the staff mode: 汇总专家评分 is not offered
    response = _post_sheet(client, ev, ["100", "90", "80", "70", "60", None])
    assert response.status_code == 302
    ev.refresh_from_db()
    assert (ev.state, str(ev.total), ev.proposed_grade, ev.comment) == (
        EvaluationState.SCORED,
        "81.00",
        Grade.GOOD,
        "总体较好",
    )
    assert ev.scores.get(indicator__order=1).comment == "基础条件意见"


def test_a_bad_sheet_comes_back_with_the_messages_beside_the_rows_and_the_input_kept(client, w):
    rnd = scoring_round(w)
    ev = rnd.evaluations.order_by("base_id").first()
    response = _post_sheet(_as(client, w.agency), ev, ["100", "", "120", "7x", "60", None])
    assert response.status_code == 200
    html = response.content.decode()
    rows = list(rnd.indicators.order_by("order"))
    assert 'id="form-errors"' in html
    assert f'id="score_{rows[1].pk}-error">请为此项评分。' in html
    assert f'id="score_{rows[2].pk}-error">得分应在0至100分之间。' in html
    assert f'id="score_{rows[3].pk}-error">请填写数字。' in html
    assert 'value="7x"' in html and 'value="120"' in html and "总体较好" in html
    ev.refresh_from_db()
    assert ev.state == EvaluationState.PENDING


def test_staff_and_others_cannot_post_a_sheet(client, w):
    rnd = scoring_round(w)
    ev = rnd.evaluations.order_by("base_id").first()
    assert _post_sheet(_as(client, w.staff), ev, ["90"] * 5 + [None]).status_code == 403
    assert _post_sheet(_as(client, f.AgencyUserFactory()), ev, ["90"] * 5 + [None]).status_code == 404
    ev.refresh_from_db()
    assert ev.state == EvaluationState.PENDING


def test_the_experts_mode_offers_the_draw_instead_of_a_sheet(client, w):
    rnd = scoring_round(w, scoring_mode="experts")
    ev = rnd.evaluations.order_by("base_id").first()
    html = _as(client, w.agency).get(reverse("evaluations:evaluation_detail", args=[ev.pk])).content.decode()
    assert 'id="score-form"' not in html
    assert (
        'id="draw-action"' in html and 'id="score_panel-action"' in html and 'id="score_panel-hint"' in html
    )


def test_grade_confirmation_page_with_a_change_needing_a_reason(client, w):
    rnd = scoring_round(w)
    first, second = rnd.evaluations.order_by("base_id")
    score(w, first, "95"), score(w, second, "75")
    url = reverse("evaluations:round_grades", args=[rnd.pk])
    html = _as(client, w.staff).get(url).content.decode()
    # 优秀 ≤ 20 % of 2 bases: none, explained
    assert (
        "优秀名额上限为参评基地的20%（2个基地，至多0个）；本基地在优秀中排第1名（总分95.00），调整为良好"
        in html
    )
    data = {f"grade_{first.pk}": Grade.PASS, f"reason_{first.pk}": "", f"grade_{second.pk}": Grade.PASS}
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="reason_{first.pk}-error">确认等次与建议等次不同，请填写调整理由。' in html
    assert rnd.evaluations.filter(state=EvaluationState.CONFIRMED).count() == 0
    data[f"reason_{first.pk}"] = "现场核查发现服务收入统计口径有误"
    assert client.post(url, data).status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.grade, first.placed_grade, first.change_reason) == (
        Grade.PASS,
        Grade.GOOD,
        "现场核查发现服务收入统计口径有误",
    )
    assert (second.grade, second.change_reason) == (Grade.PASS, "")


def _grade_rows(html: str) -> list[tuple[int, str, str]]:
    """Each row of the grades table: the evaluation, its grade after the quotas and the quota notes (joined by
    "；": the computed placement shows each reason on its own line, the stored note is their join)."""
    rows = []
    for pk, row in re.findall(r'<tr data-evaluation="(\d+)">(.*?)</tr>', html, re.S):
        placed = row.split("<td")[4].split(">", 1)[1]
        notes = re.findall(r'<div class="small text-muted quota-note">(.*?)</div>', placed, re.S)
        rows.append((int(pk), placed.split("<")[0], "；".join(notes)))
    return rows


def test_a_confirmed_round_shows_the_placements_its_confirmation_stored(client, monkeypatch):
    """Confirmed (then on notice, then published), the page reads its page of rows with the placements stored at
    confirmation: the same grades, notes and order as the quotas computed over the whole round before."""
    from evaluations.views import scoring

    w = world(certified=[date(2023, 5, 1)] * 10)
    rnd = quota_round(w)
    url = reverse("evaluations:round_grades", args=[rnd.pk])
    html = _as(client, w.staff).get(url).content.decode()
    before = _grade_rows(html)
    assert len(before) == 10 and 'id="grades-confirm"' in html
    placed = [r.placement for r in svc.round_placements(rnd, list(sel.round_grade_evaluations(w.staff, rnd)))]
    computed = [
        (p.key, str(Grade(p.grade).label), p.explanation if p.grade != p.proposed else "") for p in placed
    ]
    assert before == computed and before[3][2].count("名额上限") == 2
    svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    monkeypatch.setattr(scoring, "PAGE_SIZE", 4)

    def pages():
        htmls = [client.get(f"{url}?page={n}").content.decode() for n in (1, 2, 3)]
        assert all('id="grades-confirm"' not in h and 'name="grade_' not in h for h in htmls)
        return [row for h in htmls for row in _grade_rows(h)]

    assert pages() == before
    rnd = round_svc.round_advance(rnd=rnd, actor=w.staff, name="open_notice")
    assert pages() == before
    publish(w, rnd)
    assert pages() == before


def test_the_base_reads_its_result_only_once_published(client, w):
    rnd = scoring_round(w)
    first, second = rnd.evaluations.order_by("base_id")
    score(w, first, "85"), score(w, second, "75")
    svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    url = reverse("evaluations:evaluation_detail", args=[first.pk])
    base_user = w.base_user(first.base)
    assert _as(client, base_user).get(url).status_code == 404
    rnd = round_svc.round_advance(rnd=rnd, actor=w.staff, name="open_notice")
    assert client.get(url).status_code == 404
    publish(w, rnd)
    html = client.get(url).content.decode()
    assert "良好" in html and 'id="score-form"' not in html
    assert client.get(reverse("evaluations:evaluation_detail", args=[second.pk])).status_code == 404
    assert _as(client, w.authority_user(first.base)).get(url).status_code == 404


def test_lists_and_confirmation_are_scoped(client, w):
    rnd = scoring_round(w)
    lst = reverse("evaluations:evaluation_list", args=[rnd.pk])
    grades = reverse("evaluations:round_grades", args=[rnd.pk])
    assert _as(client, w.agency).get(lst).status_code == 200
    assert client.get(grades).status_code == 404
    assert _as(client, f.AgencyUserFactory()).get(lst).status_code == 404
    assert _as(client, w.base_user(w.bases[0])).get(lst).status_code == 404
    html = _as(client, w.staff).get(lst).content.decode()
    assert all(b.name in html for b in w.bases)


def test_staff_take_a_confirmation_back_from_the_actions_box(client, w):
    rnd = scoring_round(w)
    first, second = rnd.evaluations.order_by("base_id")
    score(w, first, "85"), score(w, second, "75")
    svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    url = reverse("evaluations:evaluation_detail", args=[first.pk])
    html = _as(client, w.staff).get(url).content.decode()
    assert 'id="reopen-action"' in html
    assert client.post(url, {"transition": "reopen", "expected_state": "confirmed"}).status_code == 302
    first.refresh_from_db()
    assert (first.state, first.grade) == (EvaluationState.SCORED, "")
    assert (
        _as(client, w.agency).post(url, {"transition": "reopen", "expected_state": "scored"}).status_code
        == 403
    )
