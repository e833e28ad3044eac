"""建设支持 in the browser: one staff member proposes a construction grant, the proposer cannot approve it, a
colleague approves and records the disbursement, the base reports its spending in the two-year window, staff close
the grant as completed; the decision notice PDF names the base and the amount in figures and in capitals (大写)."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from subsidies.models import ConstructionGrant, GrantState, LedgerEntry
from tests import factories as f
from tests.subsidies.construction_world import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, user):
    page.goto("/login/")
    page.get_by_label("用户名或电子邮箱").fill(user.username)
    page.get_by_label("密码").fill(f.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/dashboard/")


def _logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def _done(page) -> str:
    page.wait_for_load_state()
    return page.locator(".alert-success").first.inner_text()


def test_a_construction_grant_from_proposal_to_completion(page):
    w = build()
    base = w.bases["cv"]
    page.on("dialog", lambda d: d.accept())  # data-confirm of the irreversible steps

    _login(page, w.staff)
    page.goto(reverse("subsidies:construction_create"))
    box = page.get_by_label("中试基地")  # a lookup box: typing offers the bases with no grant yet
    box.press_sequentially(base.name[2:6], delay=30)
    page.wait_for_function("() => document.querySelector('input[name=\"base\"]').getAttribute('data-org-results')")
    options = page.locator("#id_base-list option")
    assert base.name in [options.nth(i).get_attribute("value") for i in range(options.count())]
    box.fill(base.name)  # what choosing the suggestion does
    page.get_by_label("预算年度").fill("2026")
    page.get_by_label("支持金额（元）").fill("abc")  # bad input: a clear message, the rest kept
    page.get_by_label("建议理由").fill("新建概念验证中心，设备升级改造。")
    page.get_by_role("button", name="提交建议").click()
    page.wait_for_load_state()
    assert page.get_by_label("建议理由").input_value() == "新建概念验证中心，设备升级改造。"
    page.get_by_label("支持金额（元）").fill("3000000")
    page.get_by_role("button", name="提交建议").click()
    page.wait_for_load_state()
    grant = ConstructionGrant.objects.get(base=base)
    assert page.url.endswith(reverse("subsidies:construction_detail", args=[grant.pk]))
    assert "3,000,000.00" in page.locator("#amount").inner_text()
    assert "叁佰万元整" in page.locator("#amount").inner_text()
    assert page.locator("#awaits-second").is_visible()
    assert page.get_by_role("button", name="批准", exact=True).count() == 0  # four eyes: not the proposer
    _logout(page)

    _login(page, w.colleague)
    page.goto(reverse("subsidies:construction_detail", args=[grant.pk]))
    page.get_by_label("下达文号").fill("桂科资字〔2026〕12号")
    page.get_by_role("button", name="批准", exact=True).click()
    assert "已批准" in _done(page)
    page.get_by_label("拨付文号/凭证号").fill("桂财教〔2026〕8号")
    page.get_by_role("button", name="登记拨付").click()
    assert _done(page)
    grant.refresh_from_db()
    assert (grant.state, grant.approved_by, grant.disbursement_no) == (GrantState.DISBURSED, w.colleague,
                                                                       "桂财教〔2026〕8号")
    assert "还剩" in page.locator("#days-left").inner_text()
    pdf = page.request.get(reverse("subsidies:construction_notice", args=[grant.pk]))
    assert pdf.ok and pdf.body()[:4] == b"%PDF"
    text = "".join(p.extract_text() or "" for p in PdfReader(BytesIO(pdf.body())).pages)
    flat = text.replace(" ", "").replace("\n", "")
    assert base.name in flat and "3,000,000.00" in flat and "叁佰万元整" in flat
    _logout(page)

    _login(page, w.users["cv"])
    page.goto(reverse("subsidies:construction_detail", args=[grant.pk]))
    page.locator("#report-spending").click()
    page.get_by_label("支出事项").fill("概念验证实验室改造")
    page.get_by_label("金额（元）").fill("1250000.50")
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_load_state()
    page.goto(reverse("subsidies:construction_detail", args=[grant.pk]))
    assert "概念验证实验室改造" in page.locator("#spending-table").inner_text()
    assert "1,250,000.50" in page.locator("#spent").inner_text()
    assert "1,749,999.50" in page.locator("#remaining").inner_text()
    assert page.get_by_role("button", name="结束：已完成建设").count() == 0  # closing is staff's
    _logout(page)

    _login(page, w.staff)
    page.goto(reverse("subsidies:construction_detail", args=[grant.pk]))
    page.get_by_label("结束说明").fill("建设任务已完成，经验收合格。")
    page.get_by_role("button", name="结束：已完成建设").click()
    assert _done(page)
    grant.refresh_from_db()
    assert grant.state == GrantState.COMPLETED
    assert LedgerEntry.objects.filter(source_id=grant.pk, kind__in=["grant", "disbursement"]).count() == 2
