"""The shared expert panels (pilotbase.panels): conflict rules hold for any seed and pool, a seed reproduces its
draw, the reasons name the subject's own units, and the panel score follows the stage's rule."""

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pilotbase.panels import (
    APPLICATION_NOUNS,
    BASE_NOUNS,
    KIND_ORDER,
    ExpertFacts,
    ScoreRule,
    SubjectFacts,
    draw_panel,
    exclusion_reasons,
    panel_score,
)

APPLICANT, PARTNERS, INDUSTRY, AGENCY = 1, frozenset({2, 3}), 7, 4
ORGS = list(range(1, 9))  # 1 = applicant, 2-3 = partners, 4 = commissioned agency, others neutral


@st.composite
def pools(draw):
    n = draw(st.integers(min_value=0, max_value=30))
    experts = []
    for i in range(n):
        experts.append(
            ExpertFacts(
                id=100 + i,
                kind=draw(st.sampled_from(KIND_ORDER)),
                organization_id=draw(st.sampled_from(ORGS + [None])),
                industries=frozenset(draw(st.sets(st.integers(min_value=5, max_value=9), max_size=3))),
                conflicts=frozenset(draw(st.sets(st.sampled_from(ORGS), max_size=2))),
                available=draw(st.booleans()),
            )
        )
    seated = (
        frozenset(draw(st.sets(st.sampled_from([e.id for e in experts]), max_size=3)))
        if experts
        else frozenset()
    )
    return experts, seated


def conflicted(e: ExpertFacts, facts: SubjectFacts) -> bool:
    orgs = {facts.lead_id} | facts.partner_ids
    agency_staff = e.organization_id is not None and e.organization_id == facts.agency_id
    return (
        e.organization_id in orgs
        or agency_staff
        or bool(e.conflicts & orgs)
        or not e.available
        or e.id in facts.seated
    )


@settings(max_examples=300, deadline=None)
@given(pools(), st.text(min_size=1, max_size=16), st.integers(min_value=3, max_value=7))
def test_draw_never_seats_a_conflicted_expert_and_covers_every_kind_when_possible(data, seed, size):
    experts, seated = data
    facts = SubjectFacts(
        lead_id=APPLICANT,
        nouns=APPLICATION_NOUNS,
        partner_ids=PARTNERS,
        industry_id=INDUSTRY,
        seated=seated,
        agency_id=AGENCY,
    )
    result = draw_panel(experts, facts, seed, size)
    by_id = {e.id: e for e in experts}
    assert len(result.drawn) == len(set(result.drawn))
    assert all(not conflicted(by_id[i], facts) for i in result.drawn)
    eligible = [e for e in experts if not conflicted(e, facts)]
    assert len(result.drawn) == min(size, len(eligible))
    assert sorted(result.candidates) == sorted(e.id for e in eligible)
    assert sorted(x["expert"] for x in result.exclusions) == sorted(
        e.id for e in experts if conflicted(e, facts)
    )
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
    facts = SubjectFacts(
        lead_id=APPLICANT,
        nouns=APPLICATION_NOUNS,
        partner_ids=PARTNERS,
        industry_id=INDUSTRY,
        seated=seated,
        agency_id=AGENCY,
    )
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
    facts = SubjectFacts(
        lead_id=APPLICANT,
        nouns=APPLICATION_NOUNS,
        partner_ids=PARTNERS,
        industry_id=INDUSTRY,
        seated=seated,
        agency_id=AGENCY,
    )
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
    facts = SubjectFacts(
        lead_id=APPLICANT,
        nouns=APPLICATION_NOUNS,
        partner_ids=PARTNERS,
        industry_id=INDUSTRY,
        seated=frozenset({6}),
    )
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
    experts = [
        ExpertFacts(id=i, kind=k, organization_id=org)
        for i, (k, org) in enumerate(
            [
                ("technical", AGENCY),
                ("technical", 9),
                ("management", 9),
                ("financial", AGENCY),
                ("financial", 9),
            ],
            start=1,
        )
    ]
    facts = SubjectFacts(lead_id=APPLICANT, nouns=APPLICATION_NOUNS, partner_ids=PARTNERS, agency_id=AGENCY)
    for seed in ("a", "b", "c", "d", "e", "f"):
        result = draw_panel(experts, facts, seed, 5)
        assert result.exclusions == [
            {"expert": 1, "reason": "受托评估机构人员，须回避"},
            {"expert": 4, "reason": "受托评估机构人员，须回避"},
        ]
        assert sorted(result.drawn) == [2, 3, 5]
    assert draw_panel(experts, facts, "r", 1, kind="financial").drawn == [5]


def test_draw_without_industry_match_records_the_fallback():
    experts = [
        ExpertFacts(id=i, kind=k, organization_id=9, industries=frozenset({5}))
        for i, k in enumerate(["technical", "management", "financial"], start=1)
    ]
    facts = SubjectFacts(lead_id=APPLICANT, nouns=APPLICATION_NOUNS, industry_id=INDUSTRY)
    result = draw_panel(experts, facts, "seed", 3)
    assert sorted(result.drawn) == [1, 2, 3]
    assert result.notes == ["候选专家中没有熟悉本项目产业领域的技术专家，已从其他技术专家中抽取。"]


def test_exclusion_reasons_name_a_base_lead_unit_for_the_annual_evaluation():
    facts = SubjectFacts(lead_id=APPLICANT, nouns=BASE_NOUNS, partner_ids=PARTNERS, seated=frozenset({7}))
    assert exclusion_reasons(ExpertFacts(id=1, kind="technical", organization_id=APPLICANT), facts) == [
        "所在单位为牵头单位，须回避"
    ]
    assert exclusion_reasons(
        ExpertFacts(id=2, kind="financial", organization_id=9, conflicts=frozenset({1})), facts
    ) == ["已申明与牵头单位存在利益关系，须回避"]
    assert exclusion_reasons(ExpertFacts(id=7, kind="financial", organization_id=9), facts) == [
        "已在本基地专家组中（含已谢绝、已回避）"
    ]
    assert exclusion_reasons(ExpertFacts(id=8, kind="management", organization_id=9), facts) == []
    with_industry = SubjectFacts(lead_id=APPLICANT, nouns=BASE_NOUNS, industry_id=INDUSTRY)
    result = draw_panel([ExpertFacts(id=3, kind="technical", organization_id=9)], with_industry, "s", 1)
    assert result.drawn == [3]
    assert result.notes[0] == "候选专家中没有熟悉本基地产业领域的技术专家，已从其他技术专家中抽取。"
    assert result.criteria["lead"] == APPLICANT and "回避牵头单位" in result.criteria["rules"]


def test_exclusion_reasons_join_every_cause_of_one_expert():
    facts = SubjectFacts(lead_id=APPLICANT, nouns=APPLICATION_NOUNS, partner_ids=PARTNERS, agency_id=AGENCY)
    expert = ExpertFacts(
        id=1, kind="technical", organization_id=APPLICANT, conflicts=frozenset({2}), available=False
    )
    assert draw_panel([expert], facts, "s", 1).exclusions == [
        {
            "expert": 1,
            "reason": "暂不可参加评审；所在单位为申报单位，须回避；已申明与共建单位存在利益关系，须回避",
        }
    ]


# ---- panel score ------------------------------------------------------------------------------------------
D = Decimal
SCORES = [
    # (totals, trimmed mean, plain mean)
    ([D("90"), D("80"), D("70"), D("60"), D("10")], D("70.00"), D("62.00")),  # five: 90 and 10 dropped
    ([D("100"), D("50"), D("60")], D("70.00"), D("70.00")),  # fewer than five: plain mean either way
    ([D("85"), D("86"), D("84"), D("99"), D("20"), D("85")], D("85.00"), D("76.50")),
    ([D("80"), D("80"), D("80"), D("80"), D("80")], D("80.00"), D("80.00")),  # ties: one of each end dropped
    ([D("90"), D("90"), D("70"), D("70"), D("80")], D("80.00"), D("80.00")),
    ([D("80"), D("81")], D("80.50"), D("80.50")),
    ([D("70.005")], D("70.01"), D("70.01")),  # half-up to two decimals
    ([D("88.333"), D("88.334"), D("88.334")], D("88.33"), D("88.33")),
    ([D("1"), D("2"), D("2"), D("2"), D("100")], D("2.00"), D("21.40")),
    ([], None, None),
]


@pytest.mark.parametrize("totals,trimmed,mean", SCORES)
def test_panel_score_by_rule_trimmed_from_five_experts_else_plain_mean(totals, trimmed, mean):
    assert panel_score(totals, rule=ScoreRule.TRIMMED) == trimmed
    assert panel_score(totals, rule=ScoreRule.MEAN) == mean
    assert panel_score(iter(totals), rule="trimmed") == trimmed  # any iterable; the stored value of the rule


def test_panel_score_four_experts_are_not_trimmed_five_are():
    four = [D("100"), D("60"), D("60"), D("60")]
    assert panel_score(four, rule=ScoreRule.TRIMMED) == D("70.00")
    assert panel_score([*four, D("20")], rule=ScoreRule.TRIMMED) == D("60.00")


def test_panel_score_refuses_floats_and_unknown_rules():
    with pytest.raises(TypeError):
        panel_score([D("80"), 80.5], rule=ScoreRule.MEAN)
    with pytest.raises(ValueError):
        panel_score([D("80")], rule="median")
    assert panel_score([80, D("81")], rule=ScoreRule.MEAN) == D("80.50")  # integers are exact


@pytest.mark.django_db
def test_expert_facts_reads_kind_organisation_industries_conflicts_and_availability(
    django_assert_num_queries,
):
    from pilotbase.expert_pool import expert_facts
    from tests import factories as f

    conflict = f.ApplicantOrgFactory()
    one = f.ExpertProfileFactory(kind="financial", available=False)
    one.conflicts.add(conflict)
    f.ExpertProfileFactory(user=f.ExpertUserFactory(is_active=False))  # inactive: not in the pool
    with django_assert_num_queries(3):
        facts = expert_facts()
    assert [(e.id, e.kind, e.organization_id, e.conflicts, e.available) for e in facts] == [
        (one.pk, "financial", one.user.organization_id, frozenset({conflict.pk}), False)
    ]
    assert facts[0].industries == frozenset(one.industries.values_list("pk", flat=True))
