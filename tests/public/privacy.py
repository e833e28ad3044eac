"""What must never come out of a public page or the open-data API, read from the database by the models' meaning,
and what is public (so a private value that is also a public one is not searched for).

`PRIVATE` is one line per model: the fields whose values are private, and (optionally) which rows. A new model with
private fields adds one line here, e.g. for 开放共享's service requests:

    Private("sharing.ServiceRequest", ("description", "budget:money", "voucher_number"), why="需求方的委托"),

A field named `name:money` is an amount in yuan, `name:score` a score; `@full_name` is a user's name as the portal
prints it. Text is searched line by line (a narrative leaked in part is still found).

Which values are searched (`searchable`): at least 3 characters when the value has a Chinese character (a 3-character
name such as 韦建华 is distinctive; a 2-character one such as 陈芳 or 王工 would be found inside unrelated words, so it
is left out), 4 otherwise (an e-mail, a phone, a score like 8.10); not contained in any public value (a partner's
role that repeats a base's name, an amount that is also a call's published threshold, a published total); and not
the portal's own wording, a phrase of one of its templates (the demo names role accounts 科技局 or 系统管理员, words
the public pages print on their own).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import Q

MIN_CJK, MIN_OTHER = 3, 4
CJK = re.compile(r"[\u3400-\u9fff]")
SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Private:
    model: str
    fields: tuple[str, ...]
    where: Q | None = None  # only these rows (None: every row)
    why: str = ""


PRIVATE: list[Private] = [
    # people
    Private("pilotbase.User", ("email", "phone", "@full_name", "username"),
            why="用户的邮箱、手机、姓名（专家、工作人员、申报人）和登录名"),
    Private("pilotbase.Organization", ("contact_name", "contact_phone", "address"), why="单位的联系人"),
    Private("pilotbase.Registration", ("name", "username", "contact_name", "contact_phone", "contact_email", "reason"),
            why="单位注册（通过后单位名称即公开，见 PUBLIC）"),
    Private("pilotbase.TransitionLog", ("actor_name", "comment"), why="办理记录：谁办的、意见"),
    Private("pilotbase.Base", ("plaque_received_by", "plaque_return_note"), why="牌匾交接"),
    # applications: everything but what the 拟认定名单 prints (name, units, city, industry)
    Private("applications.Application", (
        "contact_name", "contact_phone", "contact_email", "summary", "basis_name", "pilot_lines", "safety_facilities",
        "team_summary", "internal_rules", "service_procedure", "fee_standard", "services", "construction_plan",
        "targets", "cultivation_support_note", "requested_materials", "funding_total:money", "funding_self:money",
        "funding_requested:money", "site_area:money"), why="申报书"),
    Private("applications.TeamMember", ("name",), why="申报团队成员"),
    Private("applications.Equipment", ("name", "model", "original_value:money"), why="申报设备"),
    Private("applications.Partner", ("role",), why="共建单位的分工"),
    Private("applications.Attachment", ("title", "original_name"), why="申报附件"),
    # reviews: opinions, scores, experts, objectors
    Private("reviews.Recommendation", ("opinion",), why="推荐单位意见"),
    Private("reviews.RecommendationBatch", ("letter_name",), why="推荐函"),
    Private("reviews.FormalCheck", ("opinion",), why="形式审查意见"),
    Private("reviews.Assessment", ("consensus_opinion", "total_score:score"), why="评估论证结论与得分"),
    Private("reviews.ExpertAssignment", ("coi_declaration", "opinion", "veto_reason", "total:score"), why="专家评审"),
    Private("reviews.IndicatorScore", ("score:score",), why="专家逐项打分"),
    Private("reviews.SiteVisit", ("team", "findings"), why="现场核查"),
    Private("reviews.SiteVisitFile", ("original_name",), why="现场核查的文件"),
    Private("reviews.Objection", ("objector_name", "objector_phone", "objector_org", "content", "resolution"),
            why="异议人身份与异议内容"),
    Private("reviews.NoticeEntry", ("removal_reason",), why="撤出名单的理由"),
    Private("reviews.PublicNotice", ("title", "body"), where=Q(state="draft"), why="未发布的公示"),
    Private("reviews.Commission", ("note",), why="委托第三方"),
    # evaluations: reports' narratives and figures, scores, comments, rectification and revocation files
    Private("evaluations.AnnualReport", (
        "service_system", "major_projects", "problems", "next_year_plan", "confirm_opinion", "return_reason",
        "service_revenue:money", "voucher_income:money", "equipment_value_added:money",
        "investment_attracted:money"), why="年度报告"),
    Private("evaluations.Evaluation", ("comment", "fail_reason", "quota_note", "change_reason", "total:score"),
            why="考核评分与评语（总分仅在公布分数的年度公开，见 PUBLIC）"),
    Private("evaluations.EvaluationScore", ("score:score", "comment"), why="考核逐项得分"),
    Private("evaluations.EvaluationSeat", ("declaration", "decline_reason", "comment", "total:score"), why="考核专家"),
    Private("evaluations.RoundBase", ("reason",), why="考核范围的调整理由"),
    Private("evaluations.EvaluationRound", ("note", "late_reason"), why="考核的内部说明"),
    Private("evaluations.ReportFile", ("name",), why="年度报告的附件"),
    Private("evaluations.RectificationFile", ("name",), why="整改材料"),
    Private("evaluations.BaseImport", ("filename",), why="导入的名单文件"),
    Private("evaluations.Rectification", ("reason", "requirements", "report", "recheck_opinion"), why="整改"),
    Private("evaluations.Revocation", ("proposal_opinion", "dismissal_reason"), why="撤销认定的内部意见"),
    Private("evaluations.PriorSupport", ("amount:money",), why="以往财政支持"),
    # subsidies: every amount, grant, recovery and their papers
    Private("subsidies.SupportBudget", ("amount:money", "note"), why="资金预算"),
    Private("subsidies.ConstructionCheck", ("note",), why="建设支持核查"),
    Private("subsidies.ConstructionGrant", (
        "amount:money", "disbursed_amount:money", "override_total:money", "basis", "override_reason",
        "approval_opinion", "document_no", "disbursement_no", "close_note"), why="建设支持"),
    Private("subsidies.SpendingItem", ("item", "amount:money", "equipment", "note"), why="资金使用"),
    Private("subsidies.SpendingFile", ("name",), why="资金使用的凭证"),
    Private("subsidies.Recovery", (
        "amount:money", "received:money", "repaid:money", "amount_reason", "reason", "write_off_reason",
        "write_off_opinion"), why="追回"),
    Private("subsidies.RewardYear", ("budget:money", "override_total:money", "note", "override_reason",
                                     "approval_opinion", "document_no", "disbursement_no"), why="运行奖补"),
    Private("subsidies.RewardTier", ("amount:money",), why="奖补档次"),
    Private("subsidies.RewardLine", ("amount:money", "proposed_amount:money", "reasons", "adjust_reason",
                                     "document_no"), why="基地的奖补"),
    Private("subsidies.LedgerEntry", ("amount:money", "reason", "document_no"), why="资金台账"),
    # sharing: a contact the base keeps private; an entry staff hid; the catalogue of a revoked base
    Private("sharing.ServiceOffering", ("contact",), where=Q(contact_public=False), why="未公开的联系方式"),
    Private("sharing.ServiceOffering", ("title", "description", "equipment", "capacity", "fee_standard", "contact",
                                        "hidden_reason"),
            where=Q(hidden=True) | Q(base__state="revoked"), why="被隐藏的条目、已撤销基地的目录"),
    Private("sharing.ServiceRequest", ("title", "description", "quantity", "budget:money", "voucher_number",
                                       "voucher_amount:money", "quote_amount:money", "quote_note", "answer_reason",
                                       "delivery_note", "dispute_reason"), why="需求方与基地之间的委托、报价和交付"),
]

# What the public may read: a private value found inside one of these is not searched for.
PUBLIC: list[Private] = [
    Private("pilotbase.Organization", ("name", "short_name")),
    Private("pilotbase.Base", ("name",)),
    Private("pilotbase.City", ("name",)),
    Private("pilotbase.Industry", ("name",)),
    Private("pilotbase.PlatformType", ("name",)),
    Private("pilotbase.Certificate", ("number", "revoked_reason")),
    Private("applications.Application", ("name",)),
    Private("applications.Call", ("title", "document_no", "guide", "min_site_area:money",
                                  "min_equipment_value:money"), where=~Q(state="draft")),
    Private("applications.RequiredAttachment", ("name", "help_text")),
    Private("reviews.PublicNotice", ("title", "body", "contact"), where=~Q(state="draft")),
    Private("reviews.NoticeEntry", ("text",)),
    Private("evaluations.EvaluationRound", ("title", "notice_contact")),
    Private("evaluations.Evaluation", ("total:score",),
            where=Q(round__scores_public=True, round__state__in=["published", "closed"])),
    Private("sharing.ServiceOffering", ("title", "description", "equipment", "capacity", "lead_time",
                                        "fee_standard"), where=Q(hidden=False) & ~Q(base__state="revoked")),
    Private("sharing.ServiceOffering", ("contact",),
            where=Q(hidden=False, contact_public=True) & ~Q(base__state="revoked")),
]


# Fields that look private by their names (LIKELY_PRIVATE) but are not searched for, and why. A field that looks
# private must be in PRIVATE, PUBLIC or here (tests/public/test_privacy_search.py): a new model is declared, never
# forgotten.
NOT_SEARCHED: dict[str, str] = {
    "pilotbase.User.first_name": "searched whole as @full_name (a part alone is one or two characters)",
    "pilotbase.User.last_name": "searched whole as @full_name",
    "pilotbase.Organization.credit_code": "统一社会信用代码 are public by law (国家企业信用信息公示系统)",
    "pilotbase.Registration.credit_code": "统一社会信用代码 are public by law",
    "pilotbase.Notification.body": "made of other records' values, each searched where it is kept, and the portal's wording",
    "pilotbase.Delivery.text": "the e-mail of a notification (as its body)",
    "pilotbase.Delivery.to_address": "a user's or a contact's e-mail, searched where it is kept",
    "pilotbase.City.name_en": "reference data",
    "pilotbase.Industry.name_en": "reference data",
    "pilotbase.PlatformType.name_en": "reference data",
    "pilotbase.CalendarDay.name": "public holidays",
    "applications.ScoreIndicator.name": "the call's published scoring rules",
    "applications.ScoreIndicator.description": "the call's published scoring rules",
    "applications.ScoreIndicator.max_score": "the call's published scoring rules",
    "applications.CheckItem.text": "the call's checklist, the notice's own words",
    "applications.Attachment.content_type": "a file type",
    "reviews.SiteVisitFile.content_type": "a file type",
    "evaluations.Revocation.reason": "public: the certificate's revocation reason, on its verification page",
    "evaluations.RoundIndicator.name": "the round's published indicators",
    "evaluations.RoundIndicator.description": "the round's published indicators",
    "evaluations.RoundIndicator.weight": "the round's published indicators",
    "evaluations.RoundIndicator.max_score": "the round's published indicators",
    "evaluations.GradeBand.min_score": "the grade rules of the notice",
    "evaluations.GradeBand.quota_percent": "the grade rules of the notice",
}
PROJECT_APPS = ("pilotbase", "applications", "reviews", "evaluations", "subsidies", "sharing")
LIKELY_PRIVATE = re.compile(
    r"phone|email|opinion|comment|reason|score|total|amount|contact|note|declaration|budget|income|revenue|findings"
    r"|resolution|content|problems|plan|basis|name|description|voucher|price|fee|address|credit|report|summary"
    r"|requirement|text|body|quote|message")


def undeclared_fields() -> list[str]:
    """Fields of the project's models that look private (a name above, or an amount) and are declared nowhere."""
    from django.db import models

    declared = {f"{s.model}.{f.partition(':')[0]}" for s in PRIVATE + PUBLIC for f in s.fields} | set(NOT_SEARCHED)
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for f in model._meta.concrete_fields:
            text = isinstance(f, (models.CharField, models.TextField)) and not f.choices
            if (isinstance(f, models.DecimalField) or (text and LIKELY_PRIVATE.search(f.name))) and \
                    f"{model._meta.label}.{f.name}" not in declared:
                found.append(f"{model._meta.label}.{f.name}")
    return found


@dataclass(frozen=True)
class Value:
    text: str
    source: str  # "app.Model.field"
    number: bool = False  # matched with digit boundaries (8.10 is not inside 18.10 or 2026.8.10)


def _renderings(value, kind: str) -> list[str]:
    """The forms in which the portal prints a value: an amount as 1,234.00 (元), 0.12万元 (in English 0.01 million)
    and its raw JSON form; a score with two decimals; text line by line."""
    if value in (None, ""):
        return []
    if kind == "money":
        d = Decimal(value)
        return [f"{d:,.2f}", f"{d:.2f}", f"{d / 10000:,.2f}万", f"{d / 1_000_000:,.2f} million"]
    if kind == "score":
        return [f"{Decimal(value):.2f}"]
    text = SPACE.sub(" ", str(value)).strip()
    lines = [SPACE.sub(" ", line).strip() for line in str(value).splitlines()]
    return list(dict.fromkeys([text, *(line for line in lines if line)]))


def _rows(spec: Private) -> Iterable[tuple[str, list]]:
    model = apps.get_model(spec.model)
    qs = model._default_manager.all()
    if spec.where is not None:
        qs = qs.filter(spec.where)
    for field in spec.fields:
        name, _sep, kind = field.partition(":")
        if name == "@full_name":
            yield "full_name", [(u.get_full_name(), "") for u in qs]
            continue
        yield name, [(v, kind) for v in qs.values_list(name, flat=True)]


def values_of(specs: list[Private]) -> list[Value]:
    found: dict[tuple[str, str], Value] = {}  # a value two fields share is kept under each (the control counts them)
    for spec in specs:
        for name, values in _rows(spec):
            source = f"{spec.model}.{name}"
            for value, kind in values:
                for text in _renderings(value, kind):
                    found.setdefault((text, source), Value(text, source, number=kind in ("money", "score")))
    return list(found.values())


def long_enough(text: str) -> bool:
    return len(text) >= (MIN_CJK if CJK.search(text) else MIN_OTHER)


@cache
def portal_wording() -> str:
    """The text of every template of the project (the apps' and the shared ones)."""
    root = Path(settings.BASE_DIR)
    files = [p for p in root.glob("*/templates/**/*") if p.is_file() and p.suffix in (".html", ".txt")]
    files += [p for p in (root / "templates").glob("**/*") if p.is_file() and p.suffix in (".html", ".txt")]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def searchable(private: list[Value], public: list[Value]) -> list[Value]:
    """The private values distinctive enough to search for (see the module's docstring)."""
    public_text = "\n".join(v.text for v in public)
    wording = portal_wording()
    return [v for v in private if long_enough(v.text) and v.text not in public_text and v.text not in wording]


def found_in(text: str, values: list[Value]) -> list[Value]:
    """The values that occur in `text` (whitespace collapsed); numbers only between non-digits."""
    text = SPACE.sub(" ", text)
    hits = []
    for v in values:
        if v.number:
            if re.search(r"(?<![\d.,])" + re.escape(v.text) + r"(?!\d)", text):
                hits.append(v)
        elif v.text in text:
            hits.append(v)
    return hits
