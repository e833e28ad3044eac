"""The whole path of a pilot base in headless Chromium, across roles, each logging in through the real form.

申报 → 初审退回 → 修改重报 → 拟推荐 + 推荐函报送 → 形式审查 → 委托评估 → 抽取专家 → 专家评分
→ 现场核查 → 评估结论 → 公示 → 认定 → 证书PDF → 扫码核验.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.demo import tiny_pdf
from applications.models import Application, ApplicationState
from applications.services import attachment_add
from pilotbase.models import Certificate, CertificateState, ExpertKind
from reviews.models import (
    Assessment,
    AssessmentState,
    AssignmentState,
    ExpertAssignment,
    FormalCheck,
    FormalCheckState,
    NoticeState,
    PublicNotice,
    Recommendation,
    RecommendationState,
)
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BASE_NAME = "广西全流程测试新材料中试研究基地"


class Roles:
    """One fresh browser context per role: logging in through the real form, no cookies shared."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url, self.contexts = browser, base_url, []

    def _context(self):
        context = self.browser.new_context(base_url=self.base_url, locale="zh-CN", accept_downloads=True)
        context.set_default_timeout(15000)
        self.contexts.append(context)
        return context

    def login(self, username: str):
        page = self._context().new_page()
        page.on("dialog", lambda d: d.accept())  # the confirm() of 报送科技厅
        page.goto("/login/")
        page.get_by_label("用户名或电子邮箱").fill(username)
        page.get_by_label("密码").fill(f.PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/dashboard/")
        return page

    def anonymous(self):
        return self._context().new_page()

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def roles(browser, live_server):
    r = Roles(browser, live_server.url)
    yield r
    r.close()


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def success(page) -> str:
    """The flash message of the last action, which must be a success (else the page's errors are shown)."""
    page.wait_for_load_state()
    alert = page.locator(".alert-success")
    assert alert.count(), page.locator("main").inner_text()
    return alert.first.inner_text()


def test_full_path_from_application_to_verified_certificate(roles, applicant, authority_user, department_user,
                                                           agency_user, tmp_path):
    # ---- setup: a published call, a complete draft with its attachments, an expert pool ---------------------
    call = f.CallFactory()
    app = f.ApplicationFactory(call=call, applicant=applicant.organization, name=BASE_NAME,
                               site_area="3000")
    for req in app.required_attachments():
        upload = SimpleUploadedFile(f"{req.code}.pdf", tiny_pdf(req.code), content_type="application/pdf")
        attachment_add(application=app, requirement=req, uploaded_file=upload, actor=applicant)
    for kind in (ExpertKind.TECHNICAL, ExpertKind.MANAGEMENT, ExpertKind.FINANCIAL):
        for i in (1, 2):
            f.ExpertProfileFactory(user__username=f"fp_{kind}_{i}", kind=kind, industries=[app.industry])

    # ---- 1. the applicant submits and sees the acceptance number -------------------------------------------
    page = roles.login("applicant")
    page.goto(reverse("applications:completeness", args=[app.pk]))
    assert page.locator("#complete").is_visible()
    page.get_by_role("button", name="提交申报").click()
    page.wait_for_url(f"**/applications/{app.pk}/")
    number = f"ZS{call.year}-0001"
    assert page.locator("#acceptance-no").inner_text() == number
    assert number in success(page)
    app.refresh_from_db()
    assert app.state == ApplicationState.SUBMITTED and app.acceptance_no == number
    logout(page)

    # ---- 2. the authority returns it with a comment ---------------------------------------------------------
    page = roles.login("authority")
    page.get_by_role("link", name="初审推荐").first.click()
    page.get_by_role("link", name=BASE_NAME).click()
    page.get_by_label("退回修改", exact=True).check()
    page.get_by_label("初审意见").fill("请补充中试场地面积的证明，并核对面积数据。")
    page.get_by_role("button", name="提交审核结论").click()
    assert "退回修改" in success(page)
    assert page.locator("h1 ~ .state-badge").first.get_attribute("data-state") == RecommendationState.RETURNED
    app.refresh_from_db()
    assert app.state == ApplicationState.RETURNED
    logout(page)

    # ---- 3. the applicant revises the site area and resubmits ----------------------------------------------
    page = roles.login("applicant")
    page.goto(reverse("applications:detail", args=[app.pk]))
    assert "请补充中试场地面积的证明" in page.locator("#authority-opinion").inner_text()
    page.get_by_role("link", name="继续填写").click()
    page.goto(reverse("applications:edit", args=[app.pk, "capability"]))
    page.get_by_label("中试场地面积（平方米）", exact=True).fill("3500")
    page.get_by_role("button", name="保存草稿").click()
    assert "已保存" in success(page)
    page.get_by_role("link", name="检查并提交").click()
    page.get_by_role("button", name="重新提交").click()
    page.wait_for_url(f"**/applications/{app.pk}/")
    app.refresh_from_db()
    assert app.state == ApplicationState.SUBMITTED and app.version == 2
    assert page.locator("#acceptance-no").inner_text() == number  # same number on resubmission
    logout(page)

    # ---- 4. the authority sees what changed, recommends, uploads the letter and submits the batch -----------
    page = roles.login("authority")
    page.get_by_role("link", name="初审推荐").first.click()
    row = page.locator("#rec-queue tr", has_text=BASE_NAME)
    assert "修改后重新提交" in row.inner_text()
    row.get_by_role("link", name=BASE_NAME).click()
    changed = page.locator("#what-changed tbody tr", has_text="中试场地面积")
    assert changed.locator("del").inner_text() == "3,000.00"
    assert changed.locator("ins").inner_text() == "3,500.00"
    page.get_by_label("拟推荐").check()
    page.get_by_label("初审意见").fill("已按要求修改，条件具备，同意推荐。")
    page.get_by_role("button", name="提交审核结论").click()
    assert "拟推荐" in success(page)
    assert "排序第 1 位" in page.locator("main").inner_text()
    page.goto(reverse("reviews:rec_batches"))
    page.get_by_role("link", name=call.title).click()
    assert BASE_NAME in page.locator("#batch-table").inner_text()
    letter = tmp_path / "推荐函.pdf"
    letter.write_bytes(tiny_pdf("recommendation letter"))
    page.get_by_label("推荐函（盖章扫描件）").set_input_files(str(letter))
    page.get_by_role("button", name="上传推荐函").click()
    assert "推荐函已上传" in success(page)
    page.get_by_role("button", name="报送科技厅").click()
    assert "推荐名单已报送科技厅" in success(page)
    rec = Recommendation.objects.get(application=app)
    assert rec.state == RecommendationState.FORWARDED
    logout(page)

    # ---- 5. the department's formal check: every item ok → pass ---------------------------------------------
    check = FormalCheck.objects.get(application=app)
    page = roles.login("department")
    page.goto(reverse("reviews:fc_queue"))
    page.get_by_role("link", name=BASE_NAME).click()
    for item in call.check_items.all():
        page.locator("#check-form fieldset", has_text=item.text).get_by_label("符合", exact=True).check()
    page.get_by_label("形式审查通过").check()
    page.get_by_label("审查意见").fill("材料齐全，符合申报条件。")
    page.get_by_role("button", name="保存审查结论").click()
    assert "形式审查结论已保存" in success(page)
    assert page.locator("#check-results li").count() == call.check_items.count()
    check.refresh_from_db()
    assert check.state == FormalCheckState.PASSED

    # ---- 6a. the department commissions the agency ----------------------------------------------------------
    page.goto(reverse("reviews:assess_commissions"))
    page.get_by_role("link", name="新建委托").click()
    page.get_by_label("申报批次").select_option(str(call.pk))
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("第三方机构").select_option(label=agency_user.organization.name)
    page.get_by_label(f"{number} {BASE_NAME}", exact=False).check()
    page.get_by_label("完成期限").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="确认委托").click()
    assert "已委托第三方机构" in success(page)
    assessment = Assessment.objects.get(application=app)
    logout(page)

    # ---- 6b. the agency draws a panel and starts scoring ----------------------------------------------------
    page = roles.login("agency")
    page.goto(reverse("reviews:assess_commissions"))
    page.get_by_role("link", name=BASE_NAME).click()
    page.get_by_role("button", name="随机抽取专家").click()
    assert "已抽取 5 名专家" in success(page)
    assert page.locator(".seat-row[data-state='invited']").count() == 5
    page.get_by_role("button", name="开始专家评审").click()
    assert "已开始专家评审" in success(page)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SCORING
    logout(page)

    # ---- 7. each drawn expert accepts (COI), scores and submits ---------------------------------------------
    seats = list(ExpertAssignment.objects.filter(assessment=assessment).select_related("expert__user"))
    assert len(seats) == 5 and {s.expert.kind for s in seats} == set(ExpertKind.values)
    assert all(s.expert.user.organization_id != applicant.organization_id for s in seats)
    scores = [("能力条件", "26"), ("人才队伍", "21"), ("管理机制", "17"), ("产业需求与服务方案", "22")]
    for seat in seats:
        page = roles.login(seat.expert.user.username)
        page.goto(reverse("reviews:assess_my"))
        page.get_by_role("link", name=BASE_NAME).click()
        page.get_by_label("本人承诺与申报单位及其共建单位不存在利益关系", exact=False).check()
        page.get_by_role("button", name="接受并承诺无利益冲突").click()
        assert "已接受评审邀请" in success(page)
        for name, value in scores:
            page.get_by_label(f"{name}（满分", exact=False).fill(value)
        page.get_by_label("评审意见").fill("基础条件较好，服务方案可行。")
        page.get_by_role("button", name="提交评分").click()
        assert "评分已提交" in success(page)
        assert page.locator("#my-total").inner_text().startswith("86")
        seat.refresh_from_db()
        assert seat.state == AssignmentState.SUBMITTED
        logout(page)

    # ---- 8. the agency: site visit, then the conclusion -----------------------------------------------------
    page = roles.login("agency")
    page.goto(reverse("reviews:assess_detail", args=[assessment.pk]))
    assert "已提交评分 5 / 5" in page.locator("#score-progress").inner_text()
    page.get_by_role("button", name="进入现场核查").click()
    assert "已进入现场核查阶段" in success(page)
    assert page.get_by_label("核查日期").input_value() == timezone.localdate().isoformat()  # prefilled: today
    page.get_by_label("核查组成员").fill("王工、刘工、陈工")
    for box in page.locator("input[type=checkbox][aria-label$='：符合']").all():
        box.check()
    page.get_by_label("核查发现").fill("场地、设备与申报材料一致。")
    page.get_by_label("核查结论").select_option(label="情况属实")
    page.get_by_role("button", name="保存核查记录").click()
    assert "现场核查记录已保存" in success(page)
    page.get_by_role("button", name="完成现场核查").click()
    assert "现场核查已完成" in success(page)
    page.get_by_label("建议通过").check()
    page.get_by_label("专家组综合意见").fill("专家组一致建议通过。")
    page.get_by_role("button", name="保存评估结论").click()
    assert "评估结论已保存" in success(page)
    assert page.locator("#total-score").inner_text().startswith("86")
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.PASSED
    logout(page)

    # ---- 9. the department: notice from the passed list, publish, close, certify ----------------------------
    page = roles.login("department")
    page.goto(reverse("reviews:notice_create") + f"?call={call.pk}")
    page.get_by_label(BASE_NAME, exact=False).check()
    page.get_by_label("公示开始日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="生成拟公示名单").click()
    assert "已生成拟公示名单" in success(page)
    notice = PublicNotice.objects.get(call=call)
    assert BASE_NAME in page.locator("#entry-table").inner_text()
    page.get_by_role("button", name="发布公示").click()
    assert "公示已发布" in success(page)

    public = roles.anonymous()
    public.goto(reverse("public:notice_detail", args=[notice.pk]))
    assert BASE_NAME in public.locator("#public-entries").inner_text()

    close = page.get_by_role("button", name="结束公示")
    assert close.is_disabled() and "起方可结束公示" in page.locator("#close-hint").inner_text()
    close.evaluate("button => { button.disabled = false; }")  # the server refuses an early close all the same
    close.click()
    refusal = page.locator(".alert-danger").inner_text()
    notice.refresh_from_db()
    last, end = notice.last_day, notice.ends_on
    assert f"公示期至{last.year}年{last.month}月{last.day}日截止，{end.year}年{end.month}月{end.day}日起方可结束公示" in refusal
    assert notice.state == NoticeState.PUBLISHED
    today = timezone.localdate()  # test setup: the notice period has run out
    PublicNotice.objects.filter(pk=notice.pk).update(starts_on=today - timedelta(days=14),
                                                      ends_on=today - timedelta(days=1))
    page.reload()
    page.get_by_role("button", name="结束公示").click()
    assert "公示已结束" in success(page)
    page.get_by_role("button", name="认定 1 个中试基地并生成证书").click()
    certificate = Certificate.objects.select_related("base").get(base=Application.objects.get(pk=app.pk).base_id)
    assert certificate.number in success(page)
    assert certificate.number in page.locator("#entry-table").inner_text()
    assert certificate.state == CertificateState.VALID and certificate.pdf

    # ---- 10. the certificate PDF, and the verification page behind the QR code -----------------------------
    page.goto(reverse("reviews:cert_base_list"))
    with page.expect_download() as info:
        page.locator("#base-table tr", has_text=BASE_NAME).get_by_role("link", name="下载PDF").click()
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(info.value.path()).pages)
    assert BASE_NAME in text.replace(" ", "").replace("\n", "")
    assert certificate.number in text
    logout(page)

    own = roles.login("applicant").request.get(reverse("reviews:cert_download", args=[certificate.pk]))
    assert own.ok and own.body()[:4] == b"%PDF"  # the base's own unit may fetch it too

    public.goto(reverse("public:verify", args=[certificate.token]))
    assert "有效" in public.locator("#verify-status").inner_text()
    assert certificate.number in public.content()
    assert BASE_NAME in public.content()
