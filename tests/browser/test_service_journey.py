"""开放共享 in the browser, the demand side's whole path: an anonymous visitor finds a base by industry and city, opens
its services and verifies its certificate; an enterprise registers itself (服务需求方), confirms its e-mail, signs in
and requests a service paid partly with a 科技创新券; the base quotes, the enterprise accepts, the base delivers, the
enterprise confirms; the base's next annual report comes pre-filled with that voucher income."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import AnnualReport
from pilotbase import registration as reg_svc
from pilotbase.models import Registration
from sharing.models import RequestState, ServiceRequest
from sharing.services import catalogue
from tests import factories as f
from tests.evaluations.round_world import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Guangxi-Demand-2026!"
ENTERPRISE = "广西示范需求精密制造有限公司"


def _login(page, username, password=f.PASSWORD):
    page.goto("/login/")
    page.get_by_label("用户名或电子邮箱").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/dashboard/")


def _logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def _run(page, button, **fields):
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    return page.locator(".alert-success").first.inner_text()


def _world():
    """An imported base in Nanning (its certificate has the original number and a working verification page),
    another in Liuzhou that the city filter leaves out, and a public catalogue entry that takes vouchers."""
    w = world(certified=[timezone.localdate() - timedelta(days=400)])
    w.add_bases(1, city="柳州市")
    base = w.bases[0]
    lead = w.base_user(base)
    offering = catalogue.offering_create(base=base, actor=lead, data={
        "kind": "scale_up", "title": "复合材料中试放大", "description": "按企业配方放大至50公斤级。",
        "equipment": "双螺杆挤出机", "capacity": "每月10批次", "lead_time": "20个工作日",
        "fee_standard": "5000–20000元/批次", "contact": "覃工 0772-5550000", "contact_public": True,
        "accepts_vouchers": True, "order": 1})
    return w, base, offering, lead


def test_an_enterprise_requests_a_service_with_a_voucher_from_finding_the_base_to_confirming(page):
    w, base, offering, lead = _world()
    page.on("dialog", lambda d: d.accept())  # data-confirm of the irreversible steps

    # An anonymous visitor finds the base by industry and city, opens its services and verifies its certificate.
    page.goto(reverse("public:base_list"))
    page.get_by_label("产业领域").select_option(label=str(base.industry))
    page.get_by_label("设区市").select_option(label=str(base.city))
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    rows = page.locator("#public-bases tbody tr")
    assert rows.count() == 1 and "可用创新券" in rows.first.inner_text()
    rows.first.get_by_role("link", name=base.name).click()
    page.wait_for_load_state()
    assert "复合材料中试放大" in page.content() and "5000–20000元/批次" in page.content()
    page.get_by_role("link", name="核验证书").click()
    page.wait_for_load_state()
    assert base.certificate.number in page.content() and base.name in page.content()

    # The enterprise registers itself and confirms its e-mail (the link the e-mail carries).
    page.goto(reverse("register_requester"))
    page.get_by_label("统一社会信用代码").fill(f.credit_code(4242))
    page.get_by_label("单位名称").fill(ENTERPRISE)
    page.get_by_label("单位性质").select_option(value="enterprise")
    page.get_by_label("所在地").select_option(label="广西区外")
    page.get_by_label("联系人姓名").fill("黄需求")
    page.get_by_label("联系电话").fill("0771-5557777")
    page.get_by_label("电子邮箱").fill("huang@example.cn")
    page.get_by_label("用户名").fill("xuqiu_huang")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="提交注册").click()
    page.wait_for_load_state()
    registration = Registration.objects.get(name=ENTERPRISE)
    page.goto(reverse("register_confirm", args=[reg_svc.confirm_token(registration)]))
    page.get_by_role("button", name="确认邮箱并开通账号").click()
    page.wait_for_load_state()
    assert "账号已开通" in page.content()

    # Signed in, it requests the service from the base's page, with a voucher; a bad amount first.
    _login(page, "xuqiu_huang", PASSWORD)
    page.goto(reverse("public:base_detail", args=[base.pk]))
    page.locator(f'a[href$="?offering={offering.pk}"]').first.click()
    page.wait_for_load_state()
    page.get_by_label("需求名称").fill("碳纤维复合材料放大试制")
    page.get_by_label("需求内容").fill("按我司配方放大至50公斤级，提供力学性能检测报告。")
    page.get_by_label("数量或规模").fill("3个批次")
    page.get_by_label("期望完成日期").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    page.get_by_label("预算（元）").fill("30000")
    page.get_by_label("使用科技创新券").check()
    page.get_by_label("创新券编号").fill("GXKJQ-2026-0420")
    page.get_by_label("创新券使用金额（元）").fill("40000")  # more than the budget: refused, input kept
    page.get_by_role("button", name="提交需求").click()
    page.wait_for_load_state()
    assert "创新券使用金额不能超过预算" in page.content()
    assert page.get_by_label("需求名称").input_value() == "碳纤维复合材料放大试制"
    page.get_by_label("创新券使用金额（元）").fill("12000")
    page.get_by_role("button", name="提交需求").click()
    page.wait_for_load_state()
    req = ServiceRequest.objects.get(requester__name=ENTERPRISE)
    assert page.url.endswith(reverse("sharing:request_detail", args=[req.pk]))
    assert "GXKJQ-2026-0420" in page.locator("#request-voucher").inner_text()
    assert page.get_by_role("button", name="接受报价").count() == 0  # nothing to accept yet
    _logout(page)

    # The base quotes.
    _login(page, lead.username)
    page.goto(reverse("sharing:request_detail", args=[req.pk]))
    assert page.get_by_role("button", name="确认完成").count() == 0  # the requester's step, not the base's
    _run(page, "报价", **{"报价金额（元）": "28000",
                         "报价有效期至": (timezone.localdate() + timedelta(days=15)).isoformat(),
                         "报价说明": "含三批次试制与检测报告。"})
    assert "28,000.00" in page.locator("#quote-amount").inner_text()
    _logout(page)

    # The enterprise accepts.
    _login(page, "xuqiu_huang", PASSWORD)
    page.goto(reverse("sharing:request_detail", args=[req.pk]))
    assert _run(page, "接受报价")
    _logout(page)

    # The base starts and delivers.
    _login(page, lead.username)
    page.goto(reverse("sharing:request_detail", args=[req.pk]))
    assert _run(page, "开始服务")
    assert _run(page, "交付成果", **{"交付说明": "三批次试制完成，检测报告已交付。"})
    _logout(page)

    # The enterprise confirms.
    _login(page, "xuqiu_huang", PASSWORD)
    page.goto(reverse("sharing:request_detail", args=[req.pk]))
    assert _run(page, "确认完成")
    req = ServiceRequest.objects.get(pk=req.pk)
    assert (req.state, req.voucher_amount, req.quote_amount) == (RequestState.CONFIRMED, Decimal("12000.00"),
                                                                 Decimal("28000.00"))
    assert req.requester.city is None  # 广西区外: a client outside Guangxi
    _logout(page)

    # The base's next annual report starts with the voucher income and the outside client from the portal.
    rnd = w.open_round(year=timezone.localdate().year)
    report = AnnualReport.objects.get(round=rnd, base=base)
    _login(page, lead.username)
    page.goto(reverse("evaluations:report_edit", args=[report.pk]))
    assert page.get_by_label("其中：科技创新券收入（元）").input_value() in ("12000.00", "12,000.00")
    assert page.get_by_label("服务区外企业（家）").input_value() == "1"
    assert page.get_by_label("其中：为外单位完成（项）").input_value() == "1"
