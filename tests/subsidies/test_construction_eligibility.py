"""建设支持 eligibility as a table (subsidies.eligibility is pure: no database)."""

from dataclasses import replace

import pytest

from subsidies.eligibility import (
    ROUTE_DIRECT,
    ROUTE_NEW_PLATFORM,
    ConstructionFacts,
    construction_eligibility,
)

DIRECT = ConstructionFacts(
    base_id=1, state="active", certified_after_assessment=True, cultivation_declared="none",
    cultivation_confirmed=True, platform_code="pilot-base", platform_name="中试研究基地", newly_built=None,
    key_industry=True, industry_name="新材料")
PLATFORM = ConstructionFacts(
    base_id=2, state="active", certified_after_assessment=False, cultivation_declared="",
    cultivation_confirmed=None, platform_code="concept-verification", platform_name="概念验证中心", newly_built=True,
    key_industry=True, industry_name="生物医药")


@pytest.mark.parametrize(("facts", "route"), [
    (DIRECT, ROUTE_DIRECT),
    (replace(DIRECT, state="rectifying"), ROUTE_DIRECT),
    (PLATFORM, ROUTE_NEW_PLATFORM),
    (replace(PLATFORM, platform_code="major-pilot-platform", platform_name="重大中试平台"), ROUTE_NEW_PLATFORM),
    # both routes hold: the direct one is named
    (replace(DIRECT, platform_code="concept-verification", newly_built=True), ROUTE_DIRECT),
    # declared cultivation support but a new concept-verification platform: route B
    (replace(PLATFORM, certified_after_assessment=True, cultivation_declared="received"), ROUTE_NEW_PLATFORM),
])
def test_eligible(facts, route):
    result = construction_eligibility(facts)
    assert (result.eligible, result.route, result.reasons) == (True, route, ())
    assert result.route_label


@pytest.mark.parametrize(("facts", "expected"), [
    (replace(DIRECT, certified_after_assessment=False), ["不是经评审直接认定", "平台类型为“中试研究基地”",
                                                          "尚未核实该平台是否为新建平台"]),
    (replace(DIRECT, cultivation_declared="received"), ["申报书中填报已获得相关培育支持"]),
    (replace(DIRECT, cultivation_declared=""), ["申报书未填报是否获得相关培育支持"]),
    (replace(DIRECT, cultivation_confirmed=None), ["工作人员尚未核实“未获得相关培育支持”的填报"]),
    (replace(DIRECT, cultivation_confirmed=False), ["经工作人员核实，该基地已获得相关培育支持"]),
    (replace(PLATFORM, platform_code="pilot-base", platform_name="中试研究基地"), ["平台类型为“中试研究基地”"]),
    (replace(PLATFORM, newly_built=False), ["该平台不是新建平台"]),
    (replace(PLATFORM, newly_built=None), ["尚未核实该平台是否为新建平台"]),
    (replace(PLATFORM, key_industry=False, industry_name="其他"), ["产业领域“其他”不属于重点产业领域"]),
    (replace(DIRECT, state="revoked"), ["该基地已撤销认定"]),
    (replace(PLATFORM, has_grant=True), ["已有建设支持记录"]),
])
def test_not_eligible_says_every_failed_condition(facts, expected):
    result = construction_eligibility(facts)
    assert not result.eligible and result.route == ""
    for fragment in expected:
        assert fragment in result.why, (fragment, result.why)


def test_both_routes_are_explained_when_neither_holds():
    facts = replace(PLATFORM, platform_code="pilot-base", platform_name="中试研究基地", newly_built=False,
                    key_industry=False, industry_name="其他")
    result = construction_eligibility(facts)
    direct, platform = result.reasons
    assert direct.startswith("不符合“经评审直接认定且未获得相关培育支持”")
    assert "不是经评审直接认定" in direct and "申报书未填报" in direct
    assert platform.startswith("不符合“在重点产业领域新建的概念验证、中试熟化平台”")
    assert platform.count("；") == 2  # three failed conditions of route B
    assert result.why.endswith("。")


def test_revoked_and_granted_are_both_said_even_when_a_route_holds():
    result = construction_eligibility(replace(DIRECT, state="revoked", has_grant=True))
    assert result.reasons == ("该基地已撤销认定", "该基地已有建设支持记录，不能重复支持")
