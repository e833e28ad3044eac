"""A year's 绩效考核 in headless Chromium, each role logging in through the real form.

Staff open the round (机构人员直接评分, the authority confirms the reports) → the base files its annual report →
its authority confirms → the agency accepts and scores it → staff confirm the grades → 公示 → published. The base
failed last year too (imported history), so publication puts it on staff's revocation list; a second staff member
confirms and the public verification page says revoked. The experts mode's part (draw, each expert's
declaration and sheet, the panel score) has its own test after it.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from evaluations.importer.columns import grade_years
from evaluations.models import EvaluationRound
from pilotbase.models import Certificate, ExpertKind
from reviews.models import PublicNotice
from tests import factories as f
from tests.evaluations.consequences_world import build
from tests.evaluations.round_world import FIGURES, world
from tests.evaluations.scoring_world import scoring_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Roles:
    """One fresh browser context per role: no cookies shared."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url, self.contexts = browser, base_url, []

    def _page(self):
        context = self.browser.new_context(base_url=self.base_url, locale="zh-CN")
        context.set_default_timeout(15000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda d: d.accept())  # the confirm() of the round's phase buttons
        return page

    def login(self, user):
        page = self._page()
        page.goto("/login/")
        page.get_by_label("用户名或电子邮箱").fill(user.username)
        page.get_by_label("密码").fill(f.PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/dashboard/")
        return page

    def anonymous(self):
        return self._page()

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def roles(browser, live_server):
    r = Roles(browser, live_server.url)
    yield r
    r.close()


def test_a_round_from_opening_to_revocation(roles):
    bureau = f.AuthorityFactory(name="南宁市科学技术局", city=f.city("nanning"))
    # Imported grades up to last year, the last one 不合格: this round's 不合格 is the second in a row.
    history = "B" * (len(grade_years()) - 1) + "F"
    world = build(staff=f.DepartmentUserFactory(), bureau=bureau, histories={"连败": history})
    today = timezone.localdate()
    year = today.year  # the new round's default year (no earlier round)
    agency = f.AgencyUserFactory(organization__name="广西考核评估咨询有限公司")
    base = world.bases["连败"]

    staff = roles.login(world.staff)
    staff.get_by_role("link", name="年度绩效考核").first.click()
    assert "还没有年度考核" in staff.locator("#no-rounds").inner_text()
    staff.get_by_role("link", name="新建年度考核").click()
    assert "默认的考核指标" in staff.locator("main").inner_text()
    staff.get_by_label("受委托第三方机构").select_option(label=agency.organization.name)
    staff.get_by_label("评分方式").select_option(label="机构人员直接评分")
    assert staff.get_by_label("推荐单位确认报告").is_checked()
    staff.get_by_role("button", name="创建").click()
    staff.wait_for_load_state()
    assert "已创建" in staff.locator(".alert-success").inner_text()
    assert base.name in staff.locator("#entry-table").inner_text()
    staff.get_by_role("button", name="启动年度报告填报").click()
    staff.wait_for_load_state()
    assert "已完成：启动年度报告填报" in staff.locator(".alert-success").inner_text()
    assert "尚未提交 1 份" in staff.locator("#report-progress").inner_text()

    unit = roles.login(world.units["连败"])
    assert "请填报“广西连败科技成果转化中试研究基地”的年度报告" in unit.locator("main").inner_text()
    unit.get_by_role("link", name=base.name).first.click()
    assert "提交前还有 14 项需要填写或修改" in unit.locator("main").inner_text()  # 4 of 18 figures come pre-filled
    unit.get_by_role("link", name="填报 / 修改").click()
    for name, value in FIGURES.items():
        unit.locator(f"#id_{name}").fill(str(value))
    unit.get_by_role("button", name="保存并提交").click()
    unit.wait_for_load_state()
    assert "年度报告已提交" in unit.locator(".alert-success").inner_text()
    assert "等待推荐单位（南宁市科学技术局）确认" in unit.locator("#report-next").inner_text()

    authority = roles.login(world.authority)
    assert "1" in authority.locator("main").inner_text()
    authority.get_by_role("link", name=base.name).first.click()
    authority.get_by_label("推荐单位意见").fill("数据已核实，同意报送。")
    authority.get_by_role("button", name="确认报告").click()
    authority.wait_for_load_state()
    assert "已完成：确认报告" in authority.locator(".alert-success").inner_text()
    assert "数据已核实，同意报送。" in authority.locator("main").inner_text()
    assert "等待第三方机构（广西考核评估咨询有限公司）受理" in authority.locator("#report-next").inner_text()

    firm = roles.login(agency)
    firm.get_by_role("link", name=base.name).first.click()
    firm.get_by_role("button", name="受理报告").click()
    firm.wait_for_load_state()
    assert "已完成：受理报告" in firm.locator(".alert-success").inner_text()
    assert "考核进入评价打分后由第三方机构" in firm.locator("#report-next").inner_text()

    staff.reload()
    assert "尚未提交 0 份，已受理 1 份" in staff.locator("#report-progress").inner_text()
    staff.get_by_role("button", name="进入评价打分").click()
    staff.wait_for_load_state()
    assert "已完成：进入评价打分" in staff.locator(".alert-success").inner_text()
    assert "已评分 0 / 1 个" in staff.locator("#round-next").inner_text()

    firm.goto("/dashboard/")
    assert f"{base.name} · {year}" in firm.locator("main").inner_text()  # 待评分的年度绩效评价
    firm.get_by_role("link", name="年度绩效考核").first.click()
    firm.get_by_role("link", name=f"{year}年度广西科技成果转化中试研究基地绩效考核").click()
    firm.get_by_role("link", name="评分", exact=True).click()
    assert "机构人员直接评分" in firm.locator("main").inner_text()
    firm.get_by_role("link", name=base.name).first.click()
    for row in ("基础条件", "服务绩效", "服务能力", "运行管理", "社会信誉"):
        firm.get_by_label(f"{row}得分（满分100）").fill("40")
    firm.get_by_label("服务绩效评分意见").fill("中试项目和服务收入未达到认定时的承诺。")
    firm.get_by_label("综合评价意见").fill("运行绩效明显下滑。")
    firm.get_by_role("button", name="提交评分").click()
    firm.wait_for_load_state()
    assert "评分已保存" in firm.locator(".alert-success").inner_text()
    assert "不合格" in firm.locator("main").inner_text()

    staff.reload()
    assert "已评分 1 / 1 个" in staff.locator("#round-next").inner_text()
    staff.get_by_role("link", name="等次确认").click()
    staff.get_by_role("button", name="确认考核等次").click()
    staff.wait_for_load_state()
    assert "已确认1个基地的考核等次" in staff.locator(".alert-success").inner_text()
    staff.get_by_role("link", name=str(year), exact=True).click()
    staff.get_by_role("button", name="考核结果公示").click()
    staff.wait_for_load_state()
    assert "没有收到异议" in staff.locator("#round-notice").inner_text()
    # 公布 waits for the 公示's period: the button is shown disabled with the day it may be pressed.
    assert staff.get_by_role("button", name="公布考核结果").is_disabled()
    assert "方可公布考核结果" in staff.locator("#publish-hint").inner_text()
    notice = EvaluationRound.objects.get(year=year, notice__isnull=False).notice
    assert notice.entries.get().text == "不合格"
    # The period runs by (as the certification journey does): the notice opened two weeks ago.
    PublicNotice.objects.filter(pk=notice.pk).update(starts_on=today - timedelta(days=14),
                                                     ends_on=today - timedelta(days=1))
    staff.reload()
    staff.get_by_role("button", name="公布考核结果").click()
    staff.wait_for_load_state()
    assert "已完成：公布考核结果" in staff.locator(".alert-success").inner_text()
    assert "“撤销认定”名单" in staff.locator("#round-next").inner_text()

    unit.goto("/dashboard/")
    assert f"{year}年度绩效考核结果：“{base.name}”为不合格" in unit.locator("main").inner_text()
    unit.get_by_role("link", name="年度报告").first.click()
    unit.get_by_role("link", name="查看").first.click()
    assert "考核结果已公布" in unit.locator("#report-next").inner_text()
    unit.get_by_role("link", name="查看考核结果（不合格）").click()
    assert "40.00" in unit.locator("main").inner_text()
    assert unit.get_by_role("button", name="提交评分").count() == 0

    staff.get_by_role("link", name="撤销认定").first.click()
    assert f"{year - 1}、{year}年度不合格" in staff.locator("#revocation-table").inner_text()
    staff.get_by_role("link", name=base.name).click()
    assert staff.locator("#evidence").inner_text().count("不合格") == 2
    staff.get_by_label("提请意见").fill("连续两年考核不合格，建议撤销认定。")
    staff.get_by_role("button", name="提请撤销认定").click()
    staff.wait_for_load_state()
    assert "已完成" in staff.locator(".alert-success").inner_text()
    assert staff.get_by_role("button", name="确认撤销认定").count() == 0

    second = roles.login(world.second)
    second.get_by_role("link", name="撤销认定").first.click()
    second.get_by_role("link", name=base.name).click()
    second.get_by_label("撤销日期").fill(today.isoformat())
    second.get_by_label("标牌收回日期").fill(today.isoformat())
    second.get_by_role("button", name="确认撤销认定").click()
    second.wait_for_load_state()
    assert "已完成" in second.locator(".alert-success").inner_text()

    public = roles.anonymous()
    public.goto(f"/public/verify/{Certificate.objects.get(base=base).token}/")
    assert "已撤销" in public.locator("#verify-status").inner_text()
    assert f"{today.year}年{today.month}月{today.day}日" in public.locator("#verify-revoked-on").inner_text()
    assert "连续两年考核不合格" in public.locator("#verify-revoked-reason").inner_text()


def test_experts_mode_the_agency_draws_and_the_experts_score(roles):
    """The experts mode's part of the round through its pages (the round up to 评价打分 built by the services): the
    agency draws the panel, each expert declares no conflict and scores, the agency takes the panel score, staff
    confirm the grade."""
    w = world(certified=[date(2023, 5, 1)])
    kinds = [ExpertKind.TECHNICAL, ExpertKind.MANAGEMENT, ExpertKind.FINANCIAL]
    experts = [f.ExpertProfileFactory(kind=kind).user for kind in kinds]
    rnd = scoring_round(w, scoring_mode="experts", panel_size=3)
    base = w.bases[0]

    firm = roles.login(w.agency)
    firm.get_by_role("link", name="年度绩效考核").first.click()
    firm.get_by_role("link", name=rnd.title).click()
    firm.get_by_role("link", name="评分", exact=True).click()
    firm.get_by_role("link", name=base.name).first.click()
    assert "尚未抽取专家" in firm.locator("#seats").inner_text()
    firm.get_by_role("button", name="抽取专家").click()
    firm.wait_for_load_state()
    assert "已抽取3名专家并发出邀请" in firm.locator(".alert-success").inner_text()
    assert firm.locator("#seats").inner_text().count("已邀请") == 3

    for user, value in zip(experts, ("70", "80", "90"), strict=True):
        expert = roles.login(user)
        assert f"评分邀请：{base.name}" in expert.locator("main").inner_text()
        assert f"{base.name} · {rnd.year} · 已邀请" in expert.locator("main").inner_text()  # 待完成的考核评分
        expert.get_by_role("link", name="考核评分").first.click()
        assert "已邀请" in expert.locator("main").inner_text()
        expert.get_by_role("link", name=base.name).first.click()
        expert.get_by_label("本人确认与该基地的牵头单位、共建单位无利益关系，并对评分情况保密。").check()
        expert.get_by_role("button", name="接受邀请并声明无利益关系").click()
        expert.wait_for_load_state()
        assert "已接受邀请，请评分" in expert.locator(".alert-success").inner_text()
        for row in ("基础条件", "服务绩效", "服务能力", "运行管理", "社会信誉"):
            expert.get_by_label(f"{row}得分（满分100）").fill(value)
        expert.get_by_label("综合评价意见").fill("运行规范。")
        expert.get_by_role("button", name="提交评分").click()
        expert.wait_for_load_state()
        assert "评分已提交" in expert.locator(".alert-success").inner_text()

    firm.reload()
    assert firm.locator("#seats").inner_text().count("已提交评分") == 3
    firm.get_by_role("button", name="汇总专家评分").click()
    firm.wait_for_load_state()
    assert "已完成：汇总专家评分" in firm.locator(".alert-success").inner_text()
    assert "80.00" in firm.locator("main").inner_text() and "良好" in firm.locator("main").inner_text()

    staff = roles.login(w.staff)
    staff.goto(f"/evaluations/rounds/{rnd.pk}/")
    assert "已评分 1 / 1 个" in staff.locator("#round-next").inner_text()
    staff.get_by_role("link", name="等次确认").click()
    staff.get_by_role("button", name="确认考核等次").click()
    staff.wait_for_load_state()
    assert "已确认1个基地的考核等次" in staff.locator(".alert-success").inner_text()
