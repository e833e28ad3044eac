"""Accessibility as a test: an axe-core scan of every main page of every role, at 1366 px and at 390 px, and the
applicant's main journey done by keyboard alone.

One world is built through the real services (tests/pipeline.py): a certified base (record pages of every stage,
its notice, certificate and public verification), an application waiting for the authority's first review, a
draft being written, a draft call. Each role logs in once through the real form and keeps its browser context;
each page is scanned once per width. WCAG 2.1 AA (GB/T 37668-2019 is the Chinese reference): no violation rated
serious or critical may remain; the counts are printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from pilotbase.models import Certificate
from reviews.models import (
    Assessment,
    Commission,
    ExpertAssignment,
    FormalCheck,
    PublicNotice,
    Recommendation,
    RecommendationBatch,
)
from sharing.services import catalogue as catalogue_svc
from sharing.services import requests as request_svc
from tests import factories as f
from tests import pipeline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)
BLOCKING = ("serious", "critical")

# The visible focus indicator of portal.css: an outline (or a box-shadow ring) on :focus-visible.
FOCUS_STYLE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  const ring = s.boxShadow && s.boxShadow !== "none";
  return {tag: el.tagName, text: (el.innerText || el.value || el.name || "").trim().slice(0, 40),
          id: el.id, visible: el.matches(":focus-visible") && (outline || ring)};
}"""


@dataclass
class World:
    pages: dict[str, list[str]]
    logins: dict[str, str]  # role → username
    draft: Application


@dataclass
class Tally:
    scanned: int = 0
    blocking: list[str] = field(default_factory=list)
    other: int = 0


def _build_world(personas) -> World:
    applicant, authority = personas["applicant"], personas["authority"]
    call = f.CallFactory()
    certified = f.ApplicationFactory(call=call, applicant=applicant.organization, name="广西无障碍测试新材料中试研究基地")
    certified = pipeline.advance(certified, to="certified")
    waiting = f.ApplicationFactory(call=call, name="广西待初审测试中试研究基地",
                                   applicant=f.ApplicantOrgFactory(authority=authority.organization))
    waiting = pipeline.advance(waiting, to="submitted")
    open_call = f.CallFactory()
    draft = f.ApplicationFactory(call=open_call, applicant=applicant.organization, name="广西草稿测试中试研究基地")
    draft_call = f.CallFactory(published=False)

    rec_pending = Recommendation.objects.get(application=waiting)
    batch = RecommendationBatch.objects.get(recommendations__application=certified)
    check = FormalCheck.objects.get(application=certified)
    assessment = Assessment.objects.get(application=certified)
    seat = ExpertAssignment.objects.filter(assessment=assessment).select_related("expert__user").first()
    notice = PublicNotice.objects.get(entries__application=certified)
    certificate = Certificate.objects.get(base=certified.base)
    commission = Commission.objects.get(assessments=assessment)
    assert commission.pk

    # 开放共享: an enterprise's request to the certified base, answered with a quote.
    requester = f.RequesterUserFactory(username="a11y_requester", organization__name="广西无障碍测试需求企业有限公司")
    offering = catalogue_svc.offering_create(base=certified.base, actor=applicant, data={
        "kind": "testing", "title": "材料力学性能检测", "description": "拉伸、弯曲、冲击试验。", "equipment": "万能试验机",
        "capacity": "每月200批次", "lead_time": "5个工作日", "fee_standard": "800–2000元/批次",
        "contact": "覃工 0771-5550000", "contact_public": True, "accepts_vouchers": True, "order": 1})
    service_request = request_svc.request_create(base=certified.base, actor=requester, data={
        "title": "复合材料检测", "description": "拉伸试验。", "quantity": "3批",
        "wanted_by": timezone.localdate() + timedelta(days=30), "budget": Decimal("5000"), "uses_voucher": True,
        "voucher_number": "GXKJQ-A11Y-1", "voucher_amount": Decimal("2000")}, offering=offering)
    service_request = request_svc.request_quote(request=service_request, actor=applicant, amount=Decimal("4000"),
                                                note="含检测报告。",
                                                valid_until=timezone.localdate() + timedelta(days=10))
    request_page = reverse("sharing:request_detail", args=[service_request.pk])

    account = [reverse("dashboard"), reverse("notifications"), reverse("password_change"),
               reverse("account_security")]
    detail = reverse("applications:detail", args=[certified.pk])
    bases = [reverse("evaluations:base_list"), reverse("evaluations:base_detail", args=[certified.base_id])]
    pages = {
        "anonymous": [
            reverse("home"), reverse("public:call_detail", args=[open_call.pk]), reverse("public:notice_list"),
            reverse("public:notice_detail", args=[notice.pk]), reverse("public:base_list"),
            reverse("public:verify", args=[certificate.token]), reverse("login"), reverse("password_reset"),
            reverse("register"), reverse("register_requester"), reverse("public:coverage"),
        ],
        "applicant": [
            *account, reverse("applications:call_list"), reverse("applications:call_detail", args=[open_call.pk]),
            reverse("applications:mine"), detail,
            *[reverse("applications:edit", args=[draft.pk, key])
              for key in ("basic", "capability", "team", "management", "plan", "funding", "attachments")],
            reverse("applications:completeness", args=[draft.pk]), *bases,
            reverse("sharing:request_incoming"), request_page,
        ],
        "requester": [
            *account, reverse("public:base_detail", args=[certified.base_id]), reverse("sharing:request_mine"),
            reverse("sharing:request_create", args=[certified.base_id]), request_page,
        ],
        "authority": [
            *account, reverse("applications:list"), reverse("reviews:rec_queue"),
            reverse("reviews:rec_review", args=[rec_pending.pk]), reverse("reviews:rec_batches"),
            reverse("reviews:rec_batch", args=[batch.pk]), reverse("registrations"), detail,
            *bases, reverse("evaluations:dashboard"), reverse("subsidies:ledger_list"),
            reverse("subsidies:construction_list"), reverse("subsidies:recovery_list"),
        ],
        "department": [
            *account, reverse("applications:call_list"), reverse("applications:call_create"),
            reverse("applications:call_detail", args=[call.pk]), reverse("applications:call_edit", args=[draft_call.pk]),
            reverse("applications:list"), detail, reverse("reviews:fc_queue"), reverse("reviews:fc_check", args=[check.pk]),
            reverse("reviews:assess_commissions"), reverse("reviews:assess_commission_create"),
            reverse("reviews:assess_experts"), reverse("reviews:assess_detail", args=[assessment.pk]),
            reverse("reviews:assess_ranked"), reverse("reviews:notice_list"), reverse("reviews:notice_create"),
            reverse("reviews:notice_detail", args=[notice.pk]), reverse("reviews:notice_objection_list"),
            reverse("reviews:cert_base_list"), *bases, reverse("evaluations:dashboard"),
            reverse("subsidies:construction_list"), reverse("subsidies:construction_create"),
            reverse("subsidies:construction_budgets"), reverse("subsidies:reward_year_list"),
            reverse("subsidies:recovery_list"), reverse("subsidies:ledger_list"), reverse("sharing:offering_list"),
            reverse("sharing:request_staff_list"), request_page, reverse("sharing:voucher_usage"),
        ],
        "agency": [
            *account, reverse("reviews:assess_commissions"), reverse("reviews:assess_detail", args=[assessment.pk]),
            reverse("reviews:assess_experts"),
        ],
        "expert": [
            *account, reverse("reviews:assess_my"), reverse("reviews:assess_assignment", args=[seat.pk]),
        ],
    }
    logins = {"requester": requester.username, "applicant": applicant.username, "authority": authority.username,
              "department": personas["department"].username, "agency": personas["agency"].username,
              "expert": seat.expert.user.username}
    return World(pages=pages, logins=logins, draft=draft)


def _context(browser, base_url):
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    context.set_default_timeout(15000)
    return context


def _login(context, username: str):
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("用户名或电子邮箱").fill(username)
    page.get_by_label("密码").fill(f.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/dashboard/")
    return page


def _scan(axe, page, url: str, role: str, width: int, tally: Tally) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{role} {url}: HTTP {response and response.status}"
    page.wait_for_load_state("load")
    results = axe.run(page, options={"resultTypes": ["violations"],
                                     "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                             "wcag21aa", "best-practice"]}})
    tally.scanned += 1
    for v in results.response["violations"]:
        if v["impact"] in BLOCKING:
            targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            tally.blocking.append(f"{width}px {role} {url}: {v['impact']} {v['id']} ({len(v['nodes'])}×) {targets}")
        else:
            tally.other += len(v["nodes"])


def test_every_main_page_of_every_role_has_no_serious_accessibility_violation(browser, live_server, personas,
                                                                            capsys):
    from axe_playwright_python.sync_playwright import Axe

    world = _build_world(personas)
    axe = Axe()
    tally = Tally()
    for role, urls in world.pages.items():
        context = _context(browser, live_server.url)
        try:
            page = context.new_page() if role == "anonymous" else _login(context, world.logins[role])
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for url in urls:
                    _scan(axe, page, url, role, width, tally)
        finally:
            context.close()
    with capsys.disabled():
        print(f"\naxe-core: {tally.scanned} pages scanned ({len(world.pages)} roles × {len(WIDTHS)} widths), "
              f"{len(tally.blocking)} serious/critical violations, {tally.other} moderate/minor nodes")
        for line in tally.blocking:
            print("  " + line)
    assert tally.blocking == []


def _tab_to(page, predicate: str, steps: list, limit: int = 60):
    """Press Tab until `predicate(document.activeElement)` holds; every stop must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE_JS)
        if focus is None:
            continue
        steps.append(focus)
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return focus
    raise AssertionError(f"Tab never reached {predicate}; stops: {[s['text'] or s['id'] for s in steps[-10:]]}")


def test_applicant_journey_by_keyboard_alone_with_visible_focus(browser, live_server, applicant):
    draft = f.ApplicationFactory(call=f.CallFactory(), applicant=applicant.organization, name="广西键盘测试中试研究基地")
    context = _context(browser, live_server.url)
    page = context.new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    steps: list = []
    try:
        page.goto("/login/")
        _tab_to(page, "el.id === 'id_username'", steps)
        page.keyboard.type(applicant.username)
        _tab_to(page, "el.type === 'password'", steps)
        page.keyboard.type(f.PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url("**/dashboard/")

        _tab_to(page, "el.tagName === 'A' && el.textContent.trim() === '我的申报'", steps)
        page.keyboard.press("Enter")
        page.wait_for_url("**/applications/mine/")
        _tab_to(page, f"el.tagName === 'A' && el.textContent.includes('{draft.name}')", steps)
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/applications/{draft.pk}/edit/basic/")

        _tab_to(page, "el.tagName === 'A' && el.textContent.trim() === '人才队伍'", steps)
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/applications/{draft.pk}/edit/team/")
        _tab_to(page, "el.name === 'team_summary'", steps)
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("专职研发与中试工程人员二十人，其中高级职称八人。")
        # past the team table (12 rows × 7 fields): each control is a stop, as for any keyboard user
        _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === '保存草稿'", steps, limit=200)
        page.keyboard.press("Space")
        page.wait_for_load_state("load")
        assert "“人才队伍”已保存。" in page.locator("[role=alert]").first.inner_text()
    finally:
        context.close()

    draft.refresh_from_db()
    assert draft.team_summary == "专职研发与中试工程人员二十人，其中高级职称八人。"
    hidden = [s for s in steps if not s["visible"]]
    assert hidden == [], f"focus not visible on: {hidden}"


def test_phone_layout_collapses_menu_scrolls_tables_stacks_rows_and_prints_records(browser, live_server, applicant):
    draft = f.ApplicationFactory(call=f.CallFactory(), applicant=applicant.organization, name="广西手机测试中试研究基地")
    context = _context(browser, live_server.url)
    page = _login(context, applicant.username)
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(reverse("applications:mine"))
        assert page.locator("header").bounding_box()["height"] <= 100
        nav = page.get_by_role("navigation", name="主导航")
        assert not nav.is_visible()
        page.get_by_role("button", name="菜单").click()
        nav.get_by_role("link", name="我的申报").wait_for(state="visible")
        assert page.get_by_role("button", name="菜单").get_attribute("aria-expanded") == "true"
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        first_cell = page.locator("#my-applications tbody td").first
        assert first_cell.evaluate("el => getComputedStyle(el).position") == "sticky"
        assert first_cell.bounding_box()["width"] >= 120  # no longer one or two characters per line

        page.goto(reverse("applications:edit", args=[draft.pk, "team"]))
        name = page.get_by_label("团队成员 第1行 姓名")
        assert name.is_visible() and name.bounding_box()["width"] >= 300  # the row stacks: inputs full width
        assert page.locator("#table-team tbody tr").first.locator("label", has_text="姓名").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(reverse("applications:detail", args=[draft.pk]))
        page.emulate_media(media="print")
        assert not page.locator("header").is_visible()
        assert page.locator("main button:visible, main form:visible").count() == 0
        assert page.locator("#timeline").is_visible()
        assert page.locator("h1").first.is_visible()
    finally:
        context.close()
