"""建设支持 pages: the proposal keeps bad input, the proposer's approve is 403 and a colleague's goes through, the
grant page's figures and window, the base's spending report (files checked, input kept), the list's filters,
the base page's panel with the eligibility and why."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.demo import tiny_pdf
from subsidies.models import ConstructionGrant, GrantState, LedgerEntry
from subsidies.services import construction as svc

from . import construction_world as cw

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return cw.build()


def _html(response) -> str:
    return response.content.decode()


def test_propose_form_keeps_bad_input(client, w):
    client.force_login(w.staff)
    response = client.post(reverse("subsidies:construction_create"), {
        "base": w.bases["cv"].pk, "year": "2026", "amount": "12.345", "basis": "输入的理由"})
    assert response.status_code == 400
    html = _html(response)
    assert "金额最多保留两位小数" in html and "输入的理由" in html and 'value="12.345"' in html
    assert not ConstructionGrant.objects.exists()


def test_propose_takes_the_base_by_its_name_with_suggestions_and_its_eligibility(client, w):
    """No <select> of every base: the box takes the full name (or a link's ?base=<id>) and suggests the bases with
    no grant yet; the eligibility of the base named is shown beside the form."""
    client.force_login(w.staff)
    url = reverse("subsidies:construction_create")
    html = _html(client.get(url, {"base": w.bases["cv"].pk}))
    assert '<select name="base"' not in html and f'value="{w.bases["cv"].name}"' in html
    assert f'data-org-search="{reverse("subsidies:construction_base_search")}"' in html
    assert 'id="construction-eligibility"' in html
    suggested = client.get(reverse("subsidies:construction_base_search"), {"q": w.bases["cv"].name[:4]}).json()
    assert w.bases["cv"].name in [r["value"] for r in suggested["results"]]
    wrong = client.post(url, {"base": "不存在的基地", "year": "2026", "amount": "1000", "basis": "理由"})
    assert wrong.status_code == 400 and "未找到尚无建设支持的该基地" in _html(wrong) and "不存在的基地" in _html(wrong)
    response = client.post(url, {"base": w.bases["cv"].name, "year": "2026", "amount": "3,000,000", "basis": "新建"})
    grant = ConstructionGrant.objects.get()
    assert response.url == reverse("subsidies:construction_detail", args=[grant.pk]) and grant.base == w.bases["cv"]
    suggested = client.get(reverse("subsidies:construction_base_search"), {"q": w.bases["cv"].name}).json()
    assert suggested["results"] == []  # it has a grant now


def test_propose_an_ineligible_base_says_why_and_keeps_input(client, w):
    client.force_login(w.staff)
    response = client.post(reverse("subsidies:construction_create"), {
        "base": w.bases["plain"].pk, "year": "2026", "amount": "1000000", "basis": "普通基地的理由"})
    assert response.status_code == 400
    html = _html(response)
    assert "不符合建设支持条件" in html and "不是经评审直接认定" in html and "普通基地的理由" in html


def test_propose_then_the_proposer_gets_403_and_a_colleague_approves(client, w):
    client.force_login(w.staff)
    response = client.post(reverse("subsidies:construction_create"), {
        "base": w.bases["cv"].pk, "year": "2026", "amount": "3,000,000", "basis": "新建概念验证中心"})
    grant = ConstructionGrant.objects.get()
    assert response.url == reverse("subsidies:construction_detail", args=[grant.pk])
    url = response.url
    page = _html(client.get(url))
    assert "您是建议人" in page and 'id="approve-action"' not in page
    data = {"transition": "approve", "expected_state": "proposed", "approve-document_no": "桂科〔2026〕1号"}
    assert client.post(url, data).status_code == 403
    client.force_login(w.colleague)
    page = _html(client.get(url))
    assert 'id="approve-action"' in page and "3,000,000.00" in page and "叁佰万元整" in page
    assert client.post(url, data).status_code == 302
    grant.refresh_from_db()
    assert grant.state == GrantState.APPROVED and LedgerEntry.objects.count() == 1


def test_over_budget_is_shown_and_approve_blocked_until_override(client, w):
    grant = cw.proposed(w, amount="6000000.00")
    client.force_login(w.colleague)
    url = reverse("subsidies:construction_detail", args=[grant.pk])
    page = _html(client.get(url))
    assert 'id="over-budget"' in page and 'id="override_budget-action"' in page
    assert "超出预算5,000,000.00元" in page  # the blocked approve says why
    client.post(url, {"transition": "override_budget", "expected_state": "proposed",
                      "override_budget-reason": "追加预算"})
    client.post(url, {"transition": "approve", "expected_state": "proposed", "approve-document_no": "X"})
    grant.refresh_from_db()
    assert grant.state == GrantState.APPROVED and grant.override_reason == "追加预算"


def test_grant_page_shows_window_and_the_base_reports_spending(client, w):
    grant = cw.disbursed(w, timezone.localdate() - timedelta(days=10))
    client.force_login(w.users["cv"])
    url = reverse("subsidies:construction_detail", args=[grant.pk])
    page = _html(client.get(url))
    left = (grant.window_ends_on - timezone.localdate()).days
    assert f"还剩 {left} 天" in page and 'id="report-spending"' in page and 'id="approve-action"' not in page
    spending = reverse("subsidies:construction_spending", args=[grant.pk])
    bad = client.post(spending, {"item": "中试设备", "amount": "abc", "spent_on": timezone.localdate().isoformat(),
                                 "is_equipment": "on", "equipment": ""})
    assert bad.status_code == 400
    html = _html(bad)
    assert "请输入金额" in html and "请填写设备名称及型号" in html and 'value="中试设备"' in html
    upload = SimpleUploadedFile("发票.pdf", tiny_pdf("invoice"), content_type="application/pdf")
    ok = client.post(spending, {"item": "中试设备", "amount": "500,000", "spent_on": timezone.localdate().isoformat(),
                                "is_equipment": "on", "equipment": "反应釜 FY-500", "files": [upload]})
    assert ok.status_code == 302
    page = _html(client.get(url))
    assert "中试设备" in page and "500,000.00" in page and "2,500,000.00" in page  # spent, remaining
    item = grant.spending.get()
    file_url = reverse("subsidies:construction_spending_file", args=[grant.pk, item.files.get().pk])
    assert client.get(file_url).status_code == 200
    client.force_login(w.users["plain"])  # another base
    assert client.get(file_url).status_code == 404
    assert client.get(url).status_code == 404


def test_the_lead_units_dashboard_shows_the_grant_it_is_spending(client, w):
    client.force_login(w.users["cv"])
    assert "建设支持资金使用" not in _html(client.get(reverse("dashboard")))  # no grant yet: no panel
    grant = cw.disbursed(w, timezone.localdate() - timedelta(days=10))
    svc.spending_report(grant=grant, actor=w.users["cv"], item="中试设备", amount="500000",
                        spent_on=timezone.localdate())
    html = _html(client.get(reverse("dashboard")))
    url = reverse("subsidies:construction_detail", args=[grant.pk])
    assert f'<a href="{url}">{grant.base.name}：剩余2,500,000.00元未使用</a>' in html
    left = (grant.window_ends_on - timezone.localdate()).days
    assert f"（还剩 {left} 天）" in html
    client.force_login(w.users["plain"])  # another base's unit: not its grant
    assert url not in _html(client.get(reverse("dashboard")))


def test_a_fake_file_is_refused_on_the_page(client, w):
    grant = cw.disbursed(w, timezone.localdate())
    client.force_login(w.users["cv"])
    fake = SimpleUploadedFile("发票.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(reverse("subsidies:construction_spending", args=[grant.pk]), {
        "item": "材料费", "amount": "10", "spent_on": timezone.localdate().isoformat(), "files": [fake]})
    assert response.status_code == 400 and "材料费" in _html(response)
    assert not grant.spending.exists()


def test_authority_reads_its_regions_grant_but_may_not_act(client, w):
    grant = cw.disbursed(w, timezone.localdate())
    url = reverse("subsidies:construction_detail", args=[grant.pk])
    client.force_login(w.authority_user)
    page = _html(client.get(url))
    assert w.bases["cv"].name in page and 'id="report-spending"' not in page and "close_completed-action" not in page
    assert client.post(url, {"transition": "close_completed", "expected_state": "disbursed",
                             "close_completed-note": "x"}).status_code == 403
    assert client.get(reverse("subsidies:construction_spending", args=[grant.pk])).status_code == 403
    client.force_login(w.other_authority_user)
    assert client.get(url).status_code == 404


def test_overdue_shows_and_staff_close_not_completed(client, w):
    grant = cw.disbursed(w, timezone.localdate())
    ConstructionGrant.objects.filter(pk=grant.pk).update(window_ends_on=timezone.localdate() - timedelta(days=3))
    client.force_login(w.staff)
    url = reverse("subsidies:construction_detail", args=[grant.pk])
    page = _html(client.get(url))
    assert "已逾期 3 天" in page
    listing = _html(client.get(reverse("subsidies:construction_list"), {"overdue": "on"}))
    assert w.bases["cv"].name in listing and "已逾期" in listing
    client.post(url, {"transition": "close_not_completed", "expected_state": "disbursed",
                      "close_not_completed-note": "设备未购置到位"})
    grant.refresh_from_db()
    assert grant.state == GrantState.NOT_COMPLETED
    # the close opened the recovery of the grant's funds: the grant's page links it, for staff and for the base
    from subsidies.models import Recovery

    recovery = Recovery.objects.get(base=grant.base)
    link = reverse("subsidies:recovery_detail", args=[recovery.pk])
    assert link in _html(client.get(url))
    client.force_login(w.users["cv"])
    assert link in _html(client.get(url))
    client.force_login(w.users["plain"])  # another base's unit sees neither the grant nor its recovery
    assert client.get(url).status_code == 404 and client.get(link).status_code == 404


def test_list_filters(client, w):
    cw.proposed(w, "cv")
    svc.construction_check_record(actor=w.staff, base=w.bases["direct"], cultivation_confirmed=True,
                                  newly_built=None)
    cw.approved(w, "direct", "1000000.00")
    client.force_login(w.staff)
    url = reverse("subsidies:construction_list")
    both = _html(client.get(url))
    assert w.bases["cv"].name in both and w.bases["direct"].name in both
    only = _html(client.get(url, {"state": "approved"}))
    assert w.bases["direct"].name in only and w.bases["cv"].name not in only
    named = _html(client.get(url, {"q": "概念验证"}))
    assert w.bases["cv"].name in named and w.bases["direct"].name not in named
    none = _html(client.get(url, {"year": "2030"}))
    assert 'id="empty"' in none


def test_budget_page_sets_and_keeps_bad_input(client, w):
    client.force_login(w.staff)
    url = reverse("subsidies:construction_budgets")
    bad = client.post(url, {"year": "2027", "kind": "construction", "amount": "-5", "note": "明年预算"})
    assert bad.status_code == 400 and "明年预算" in _html(bad)
    client.post(url, {"year": "2027", "kind": "construction", "amount": "8,000,000", "note": ""})
    assert "8,000,000.00" in _html(client.get(url))


def test_base_page_panel_says_eligibility_and_staff_confirm(client, w):
    client.force_login(w.staff)
    base_url = reverse("evaluations:base_detail", args=[w.bases["direct"].pk])
    page = _html(client.get(base_url))
    assert "不符合建设支持条件" in page and "尚未核实“未获得相关培育支持”的填报" in page
    check = reverse("subsidies:construction_base_check", args=[w.bases["direct"].pk])
    assert "未获得相关培育支持" in _html(client.get(check))
    client.post(check, {"cultivation_confirmed": "yes", "newly_built": "", "note": "核对申报书"})
    page = _html(client.get(base_url))
    assert "符合建设支持条件" in page and "经评审直接认定且未获得相关培育支持" in page
    client.force_login(w.users["plain"])
    own = _html(client.get(reverse("evaluations:base_detail", args=[w.bases["plain"].pk])))
    assert "平台类型为“中试研究基地”" in own and "核实条件" not in own


def test_double_disbursement_post_records_one_row(client, w):
    grant = cw.approved(w)
    client.force_login(w.staff)
    url = reverse("subsidies:construction_detail", args=[grant.pk])
    data = {"transition": "disburse", "expected_state": "approved", "disburse-disbursed_on": timezone.localdate().isoformat(),
            "disburse-amount": "3000000", "disburse-document_no": "桂财〔2026〕3号"}
    client.post(url, data)
    client.post(url, data)
    assert LedgerEntry.objects.filter(kind="disbursement").count() == 1
    grant.refresh_from_db()
    assert grant.disbursed_amount == Decimal("3000000.00")


def test_the_grants_panel_costs_the_same_queries_for_one_grant_or_four(client, w):
    from tests.queries import assert_constant

    unit = w.users["cv"].organization
    made = []

    def add(k):
        for _ in range(k):
            n = len(made)
            grant_base = cw.base(f"面板{n}", org=unit)
            ConstructionGrant.objects.create(
                base=grant_base, year=cw.YEAR, amount=Decimal("1000000"), route="x", proposed_by=w.staff,
                state=GrantState.DISBURSED, disbursed_on=timezone.localdate(), disbursed_amount=Decimal("1000000"),
                window_ends_on=timezone.localdate() + timedelta(days=300 + n))
            made.append(grant_base)

    client.force_login(w.users["cv"])
    assert_constant(client, reverse("dashboard"), add, "：剩余1,000,000.00元未使用")


def test_the_grant_page_says_what_is_awaited_and_its_links_open_for_the_reader(client, w):
    import re

    grant = cw.disbursed(w, timezone.localdate() - timedelta(days=10))
    url = reverse("subsidies:construction_detail", args=[grant.pk])
    client.force_login(w.users["cv"])
    html = _html(client.get(url))
    assert f"由基地牵头单位（{w.users['cv'].organization.name}）报告资金使用" in html
    ConstructionGrant.objects.filter(pk=grant.pk).update(window_ends_on=timezone.localdate() - timedelta(days=1))
    client.force_login(w.staff)
    assert "等待科技厅登记结束" in _html(client.get(url))
    client.post(url, {"transition": "close_not_completed", "expected_state": "disbursed",
                      "close_not_completed-note": "设备未购置到位"})
    for user in (w.users["cv"], w.staff, w.authority_user):  # the closed grant: every breadcrumb link opens
        client.force_login(user)
        html = _html(client.get(url))
        assert "已结束" in html
        crumbs = re.search(r'<ol class="breadcrumb">(.*?)</ol>', html, re.S).group(1)
        for href in re.findall(r'href="([^"]+)"', crumbs):
            assert client.get(href).status_code == 200, (user, href)
