"""The pure panel draw: conflict rules hold for any seed and pool; a seed reproduces its draw."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.draw import KIND_ORDER, ApplicationFacts, ExpertFacts, draw_panel

APPLICANT, PARTNERS, INDUSTRY, AGENCY = 1, frozenset({2, 3}), 7, 4
ORGS = list(range(1, 9))  # 1 = applicant, 2-3 = partners, 4 = commissioned agency, others neutral


@st.composite
def pools(draw):
    n = draw(st.integers(min_value=0, max_value=30))
    experts = []
    for i in range(n):
        experts.append(ExpertFacts(
            id=100 + i,
            kind=draw(st.sampled_from(KIND_ORDER)),
            organization_id=draw(st.sampled_from(ORGS + [None])),
            industries=frozenset(draw(st.sets(st.integers(min_value=5, max_value=9), max_size=3))),
            conflicts=frozenset(draw(st.sets(st.sampled_from(ORGS), max_size=2))),
            available=draw(st.booleans()),
        ))
    seated = frozenset(draw(st.sets(st.sampled_from([e.id for e in experts]), max_size=3))) if experts else frozenset()
    return experts, seated


def conflicted(e: ExpertFacts, facts: ApplicationFacts) -> bool:
    orgs = {facts.applicant_id} | facts.partner_ids
    agency_staff = e.organization_id is not None and e.organization_id == facts.agency_id
    return (e.organization_id in orgs or agency_staff or bool(e.conflicts & orgs) or not e.available
            or e.id in facts.seated)


@settings(max_examples=300, deadline=None)
@given(pools(), st.text(min_size=1, max_size=16), st.integers(min_value=3, max_value=7))
def test_draw_never_seats_a_conflicted_expert_and_covers_every_kind_when_possible(data, seed, size):
    experts, seated = data
    facts = ApplicationFacts(applicant_id=APPLICANT, partner_ids=PARTNERS, industry_id=INDUSTRY, seated=seated,
                             agency_id=AGENCY)
    result = draw_panel(experts, facts, seed, size)
    by_id = {e.id: e for e in experts}
    assert len(result.drawn) == len(set(result.drawn))
    assert all(not conflicted(by_id[i], facts) for i in result.drawn)
    eligible = [e for e in experts if not conflicted(e, facts)]
    assert len(result.drawn) == min(size, len(eligible))
    assert sorted(result.candidates) == sorted(e.id for e in eligible)
    assert sorted(x["expert"] for x in result.exclusions) == sorted(e.id for e in experts if conflicted(e, facts))
    drawn_kinds = {by_id[i].kind for i in result.drawn}
    for kind in KIND_ORDER:
        if any(e.kind == kind for e in eligible):
            assert kind in drawn_kinds
    matching = [e for e in eligible if e.kind == "technical" and INDUSTRY in e.industries]
    if matching:
        assert any(by_id[i] in matching for i in result.drawn)
    elif any(e.kind == "technical" for e in eligible):
        assert "没有熟悉本项目产业领域的技术专家" in "".join(result.notes)


@settings(max_examples=100, deadline=None)
@given(pools(), st.text(min_size=1, max_size=16))
def test_draw_same_seed_and_pool_reproduces_the_draw_in_any_input_order(data, seed):
    experts, seated = data
    facts = ApplicationFacts(applicant_id=APPLICANT, partner_ids=PARTNERS, industry_id=INDUSTRY, seated=seated,
                             agency_id=AGENCY)
    first = draw_panel(experts, facts, seed, 5)
    shuffled = list(experts)
    random.Random(seed).shuffle(shuffled)
    again = draw_panel(shuffled, facts, seed, 5)
    assert again.drawn == first.drawn
    assert again.exclusions == first.exclusions


@settings(max_examples=200, deadline=None)
@given(pools(), st.text(min_size=1, max_size=16), st.sampled_from(KIND_ORDER))
def test_redraw_returns_one_non_conflicted_expert_of_the_same_kind(data, seed, kind):
    experts, seated = data
    facts = ApplicationFacts(applicant_id=APPLICANT, partner_ids=PARTNERS, industry_id=INDUSTRY, seated=seated,
                             agency_id=AGENCY)
    result = draw_panel(experts, facts, seed, 1, kind=kind)
    by_id = {e.id: e for e in experts}
    eligible = [e for e in experts if not conflicted(e, facts) and e.kind == kind]
    assert len(result.drawn) == (1 if eligible else 0)
    for i in result.drawn:
        assert by_id[i].kind == kind
        assert not conflicted(by_id[i], facts)


def test_exclusion_reasons_are_chinese_and_name_the_cause():
    experts = [
        ExpertFacts(id=1, kind="technical", organization_id=APPLICANT),
        ExpertFacts(id=2, kind="technical", organization_id=2),
        ExpertFacts(id=3, kind="management", organization_id=9, conflicts=frozenset({APPLICANT})),
        ExpertFacts(id=4, kind="financial", organization_id=9, conflicts=frozenset({3})),
        ExpertFacts(id=5, kind="financial", organization_id=9, available=False),
        ExpertFacts(id=6, kind="financial", organization_id=9),
    ]
    facts = ApplicationFacts(applicant_id=APPLICANT, partner_ids=PARTNERS, industry_id=INDUSTRY, seated=frozenset({6}))
    result = draw_panel(experts, facts, "s", 5)
    assert result.exclusions == [
        {"expert": 1, "reason": "所在单位为申报单位，须回避"},
        {"expert": 2, "reason": "所在单位为联合共建单位，须回避"},
        {"expert": 3, "reason": "已申明与申报单位存在利益关系，须回避"},
        {"expert": 4, "reason": "已申明与共建单位存在利益关系，须回避"},
        {"expert": 5, "reason": "暂不可参加评审"},
        {"expert": 6, "reason": "已在本项目专家组中（含已谢绝、已回避）"},
    ]
    assert result.drawn == []


def test_commissioned_agency_staff_are_excluded_with_a_reason():
    experts = [ExpertFacts(id=i, kind=k, organization_id=org)
               for i, (k, org) in enumerate([("technical", AGENCY), ("technical", 9), ("management", 9),
                                              ("financial", AGENCY), ("financial", 9)], start=1)]
    facts = ApplicationFacts(applicant_id=APPLICANT, partner_ids=PARTNERS, agency_id=AGENCY)
    for seed in ("a", "b", "c", "d", "e", "f"):
        result = draw_panel(experts, facts, seed, 5)
        assert result.exclusions == [{"expert": 1, "reason": "受托评估机构人员，须回避"},
                                     {"expert": 4, "reason": "受托评估机构人员，须回避"}]
        assert sorted(result.drawn) == [2, 3, 5]
    assert draw_panel(experts, facts, "r", 1, kind="financial").drawn == [5]


def test_draw_without_industry_match_records_the_fallback():
    experts = [ExpertFacts(id=i, kind=k, organization_id=9, industries=frozenset({5}))
               for i, k in enumerate(["technical", "management", "financial"], start=1)]
    facts = ApplicationFacts(applicant_id=APPLICANT, industry_id=INDUSTRY)
    result = draw_panel(experts, facts, "seed", 3)
    assert sorted(result.drawn) == [1, 2, 3]
    assert result.notes == ["候选专家中没有熟悉本项目产业领域的技术专家，已从其他技术专家中抽取。"]
