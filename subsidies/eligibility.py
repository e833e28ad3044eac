"""建设支持 eligibility (《实施方案》五.(一)): a pure function of what is known of one base.

No database, no app models: the caller (subsidies.selectors.construction) reads a base, its application and the
staff's confirmation into `ConstructionFacts`; `construction_eligibility` says whether the base may receive
construction support and, for every condition that fails, why (in Chinese). A base qualifies by **either** route:

A. **Certified directly after assessment without related cultivation support** (经评审直接认定且未获得相关培育支持):
   the base was certified through an application the portal assessed (not imported, not certified after a
   cultivation period), the applicant declared in the application that it had no related cultivation support
   (`applications.CultivationSupport.NONE`), and staff confirmed the declaration.
B. **A newly built concept-verification or pilot-maturation platform in a key industry** (在重点产业领域新建的概念验证、
   中试熟化平台): its platform type is one of `QUALIFYING_PLATFORM_CODES`, staff confirmed it is newly built, and its
   industry is one of the region's key industries (an active entry of the industry list).

And in every case: the base is not revoked (已撤销认定), and it has no construction grant already (a base receives
construction support once; a grant closed as not completed does not open a second one).

docs/subsidies.md ("建设支持") says the same for staff; tests/subsidies/test_construction_eligibility.py proves
it by table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# pilotbase.PlatformType codes of the platforms route B covers: 概念验证中心 and 重大中试平台 (中试熟化平台).
QUALIFYING_PLATFORM_CODES = frozenset({"concept-verification", "major-pilot-platform", "pilot-maturation"})

NONE_DECLARED, RECEIVED_DECLARED = "none", "received"  # applications.CultivationSupport values
REVOKED = "revoked"  # pilotbase BaseStatus value

ROUTE_DIRECT = "direct"
ROUTE_NEW_PLATFORM = "new_platform"
ROUTE_LABELS = {
    ROUTE_DIRECT: "经评审直接认定且未获得相关培育支持",
    ROUTE_NEW_PLATFORM: "在重点产业领域新建的概念验证、中试熟化平台",
}


@dataclass(frozen=True)
class ConstructionFacts:
    """What the rule reads of one base."""

    base_id: int
    state: str  # pilotbase BaseStatus value
    certified_after_assessment: bool  # certified through an application the portal assessed
    cultivation_declared: str  # the application's cultivation_support: "none", "received" or "" (not declared)
    cultivation_confirmed: bool | None  # staff confirmed the declaration (None: not checked yet)
    platform_code: str  # the base's PlatformType code
    platform_name: str
    newly_built: bool | None  # staff confirmed the platform is newly built (None: not checked yet)
    key_industry: bool  # the base's industry is a key industry
    industry_name: str = ""
    has_grant: bool = False  # a construction grant exists already


@dataclass(frozen=True)
class ConstructionEligibility:
    base_id: int
    eligible: bool
    route: str  # ROUTE_DIRECT / ROUTE_NEW_PLATFORM when eligible, "" otherwise
    reasons: tuple[str, ...] = field(default=())  # every condition that failed, in Chinese

    @property
    def route_label(self) -> str:
        return ROUTE_LABELS.get(self.route, "")

    @property
    def why(self) -> str:
        return "。".join(self.reasons) + ("。" if self.reasons else "")


def _direct_failures(f: ConstructionFacts) -> list[str]:
    failed = []
    if not f.certified_after_assessment:
        failed.append("该基地不是经评审直接认定的（无平台评审认定的申报记录）")
    if f.cultivation_declared == RECEIVED_DECLARED:
        failed.append("申报书中填报已获得相关培育支持")
    elif f.cultivation_declared != NONE_DECLARED:
        failed.append("申报书未填报是否获得相关培育支持")
    elif f.cultivation_confirmed is None:
        failed.append("工作人员尚未核实“未获得相关培育支持”的填报")
    elif not f.cultivation_confirmed:
        failed.append("经工作人员核实，该基地已获得相关培育支持")
    return failed


def _platform_failures(f: ConstructionFacts) -> list[str]:
    failed = []
    if f.platform_code not in QUALIFYING_PLATFORM_CODES:
        failed.append("平台类型为“%s”，不是概念验证或中试熟化平台" % (f.platform_name or f.platform_code))
    if f.newly_built is None:
        failed.append("工作人员尚未核实该平台是否为新建平台")
    elif not f.newly_built:
        failed.append("经工作人员核实，该平台不是新建平台")
    if not f.key_industry:
        failed.append("产业领域“%s”不属于重点产业领域" % f.industry_name if f.industry_name
                      else "产业领域不属于重点产业领域")
    return failed


def construction_eligibility(f: ConstructionFacts) -> ConstructionEligibility:
    """Eligible by route A or B, never when revoked or already granted; otherwise every failed condition."""
    general = []
    if f.state == REVOKED:
        general.append("该基地已撤销认定")
    if f.has_grant:
        general.append("该基地已有建设支持记录，不能重复支持")
    direct, platform = _direct_failures(f), _platform_failures(f)
    route = ROUTE_DIRECT if not direct else ROUTE_NEW_PLATFORM if not platform else ""
    if route and not general:
        return ConstructionEligibility(base_id=f.base_id, eligible=True, route=route)
    reasons = list(general)
    if not route:
        reasons += ["不符合“%s”：%s" % (ROUTE_LABELS[ROUTE_DIRECT], "；".join(direct)),
                    "不符合“%s”：%s" % (ROUTE_LABELS[ROUTE_NEW_PLATFORM], "；".join(platform))]
    return ConstructionEligibility(base_id=f.base_id, eligible=False, route="", reasons=tuple(reasons))
