"""服务需求 pages: 提交服务需求 on the public base page per role, the form's messages, the detail page's buttons per
side (the other side 403, an outsider 404, staff read-only), the lists, the Excel export, the dashboards."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from pilotbase.workflow import record_refresh
from sharing.models import ServiceRequest
from sharing.services import requests as svc

from .conftest import add_offering, make_request

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


# ---- the button on the public base page ---------------------------------------------------------------
def test_the_button_per_role(client, login, base, applicant, requester):
    o = add_offering(base, applicant)
    form = reverse("sharing:request_create", args=[base.pk])
    page = reverse("public:base_detail", args=[base.pk])
    anonymous = _html(client.get(page))
    assert f"?next={quote(form, safe='')}" in anonymous
    assert f"?next={quote(form + f'?offering={o.pk}', safe='')}" in anonymous
    mine = _html(login(requester).get(page))
    assert f'href="{form}"' in mine and f'href="{form}?offering={o.pk}"' in mine
    theirs = _html(login(applicant).get(page))
    assert "提交服务需求" not in theirs


def test_the_form_keeps_bad_input_with_chinese_messages(login, base, requester):
    client = login(requester)
    url = reverse("sharing:request_create", args=[base.pk])
    response = client.post(url, {"title": "放大试制", "description": "按配方放大。", "quantity": "",
                                 "wanted_by": (timezone.localdate() - timedelta(days=1)).isoformat(),
                                 "budget": "1000", "uses_voucher": "on", "voucher_number": "",
                                 "voucher_amount": "abc"})
    html = _html(response)
    assert response.status_code == 400
    assert "请填写数量或规模。" in html and "请填写金额（元）" in html
    assert "期望完成日期不能早于今天。" in html and "使用科技创新券时请填写创新券编号。" in html
    assert "放大试制" in html and "按配方放大。" in html
    response = client.post(url, {"title": "放大试制", "description": "按配方放大。", "quantity": "3批",
                                 "wanted_by": (timezone.localdate() - timedelta(days=1)).isoformat(),
                                 "budget": "1000", "uses_voucher": "on", "voucher_number": "",
                                 "voucher_amount": "2000"})
    html = _html(response)
    assert "期望完成日期不能早于今天。" in html and "使用科技创新券时请填写创新券编号。" in html
    assert "创新券使用金额不能超过预算（1000元）。" in html
    assert not ServiceRequest.objects.exists()


def test_the_form_makes_the_request_for_the_entry(login, base, applicant, requester):
    o = add_offering(base, applicant)
    client = login(requester)
    url = reverse("sharing:request_create", args=[base.pk]) + f"?offering={o.pk}"
    assert o.title in _html(client.get(url))
    response = client.post(url, {"title": "力学检测", "description": "拉伸试验。", "quantity": "10件",
                                 "wanted_by": (timezone.localdate() + timedelta(days=9)).isoformat(),
                                 "offering": o.pk})
    req = ServiceRequest.objects.get()
    assert response["Location"] == reverse("sharing:request_detail", args=[req.pk])
    assert (req.offering, req.uses_voucher, req.budget) == (o, False, None)


@pytest.mark.parametrize("who", ["applicant", "department_user", "partner"])
def test_other_roles_do_not_see_the_form(login, base, request, who):
    assert login(request.getfixturevalue(who)).get(
        reverse("sharing:request_create", args=[base.pk])).status_code == 404


# ---- the detail page: each side its own buttons ---------------------------------------------------------
def test_each_side_sees_only_its_own_buttons(login, base, applicant, requester, department_user):
    req = make_request(base, requester)
    url = reverse("sharing:request_detail", args=[req.pk])
    base_side = _html(login(applicant).get(url))
    assert 'id="quote-action"' in base_side and 'id="decline-action"' in base_side
    assert 'id="withdraw-action"' not in base_side
    owner = _html(login(requester).get(url))
    assert 'id="withdraw-action"' in owner and 'id="quote-action"' not in owner
    staff = _html(login(department_user).get(url))
    assert "-action" not in staff and 'id="staff-readonly"' in staff
    assert "提交服务需求" in staff  # the timeline's first row


def test_the_other_side_gets_403_and_an_outsider_404(login, base, applicant, requester, other_requester,
                                                     other_applicant):
    req = make_request(base, requester)
    url = reverse("sharing:request_detail", args=[req.pk])
    quote_post = {"transition": "quote", "expected_state": "submitted", "quote-amount": "100",
                  "quote-valid_until": timezone.localdate().isoformat()}
    assert login(requester).post(url, quote_post).status_code == 403
    assert login(requester).post(url, {"transition": "expire", "expected_state": "submitted"}).status_code == 403
    assert login(applicant).post(url, {"transition": "withdraw", "expected_state": "submitted"}).status_code == 403
    for outsider in (other_requester, other_applicant):
        assert login(outsider).get(url).status_code == 404
        assert login(outsider).post(url, quote_post).status_code == 404
    record_refresh(req)
    assert req.state == "submitted"


def test_quote_through_the_page(login, base, applicant, requester):
    req = make_request(base, requester)
    url = reverse("sharing:request_detail", args=[req.pk])
    client = login(applicant)
    response = client.post(url, {"transition": "quote", "expected_state": "submitted", "quote-amount": "-5",
                                 "quote-valid_until": "", "quote-note": "含报告"})
    html = _html(response)
    assert response.status_code == 400 and "金额不能为负数。" in html and "请填写报价有效期。" in html
    assert "含报告" in html
    until = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(url, {"transition": "quote", "expected_state": "submitted", "quote-amount": "45000",
                                 "quote-valid_until": until})
    assert response.status_code == 302
    record_refresh(req)
    assert (req.state, req.quote_amount) == ("quoted", Decimal("45000"))
    owner = _html(login(requester).get(url))
    assert 'id="accept-action"' in owner and 'id="refuse-action"' in owner


def test_the_page_says_who_holds_the_request_and_leads_back_to_the_list(login, base, applicant, requester,
                                                                        department_user):
    req = make_request(base, requester)
    url = reverse("sharing:request_detail", args=[req.pk])
    lists = {applicant: ("sharing:request_incoming", "服务需求"), requester: ("sharing:request_mine", "我的服务需求"),
             department_user: ("sharing:request_staff_list", "服务需求管理")}
    for user, (name, title) in lists.items():
        html = _html(login(user).get(url))
        assert f'<li class="breadcrumb-item"><a href="{reverse(name)}">{title}</a></li>' in html
        assert f"等待基地（{base.name}）报价或答复" in html
    # the deadline in the words of every page (还剩 N 天), with no stray space before the closing bracket
    left = (req.reply_due - timezone.localdate()).days
    assert f"（还剩 {left} 天）</dd>" in _html(login(requester).get(url))
    svc.request_quote(request=req, actor=applicant, amount=Decimal("45000"),
                      valid_until=timezone.localdate() + timedelta(days=7))
    html = _html(login(applicant).get(url))
    assert f"等待需求方（{requester.organization.name}）接受或不接受报价" in html and "（还剩 7 天）</dd>" in html
    record_refresh(req)
    svc.request_withdraw(request=req, actor=requester)
    assert "流程已结束" in _html(login(requester).get(url))


# ---- lists, export, dashboards --------------------------------------------------------------------------
def test_the_lists_per_side(login, base, applicant, requester, other_requester, department_user):
    mine = make_request(base, requester, title="甲需求")
    make_request(base, other_requester, title="乙需求")
    svc.request_decline(request=mine, actor=applicant, reason="不做。")
    own = _html(login(requester).get(reverse("sharing:request_mine")))
    assert "甲需求" in own and "乙需求" not in own
    incoming = reverse("sharing:request_incoming")
    assert "甲需求" in _html(login(applicant).get(incoming)) and "乙需求" in _html(login(applicant).get(incoming))
    submitted = _html(login(applicant).get(incoming + "?state=submitted"))
    assert "甲需求" not in submitted and "乙需求" in submitted
    staff = _html(login(department_user).get(reverse("sharing:request_staff_list") + "?state=declined"))
    assert "甲需求" in staff and "乙需求" not in staff
    assert login(department_user).get(reverse("sharing:request_staff_list") + "?year=abc").status_code == 200


def test_the_staff_list_finds_the_base_by_its_name_without_listing_every_base(login, base, applicant, requester,
                                                                            department_user):
    """No <select> of every base (3,000 at national scale): the search finds the base by name, and a link that
    names a base (?base=<id>) still filters."""
    from .conftest import make_base

    make_request(base, requester, title="甲需求")
    other = make_base(applicant.organization, name="广西另一科技成果转化中试研究基地")
    make_request(other, requester, title="乙需求")
    url = reverse("sharing:request_staff_list")
    page = _html(login(department_user).get(url))
    assert base.name not in page.split('id="request-filter"')[1].split("</form>")[0]
    found = _html(login(department_user).get(url + "?q=另一"))
    assert "乙需求" in found and "甲需求" not in found
    linked = _html(login(department_user).get(url + f"?base={base.pk}"))
    assert "甲需求" in linked and "乙需求" not in linked


def test_the_staff_export_is_what_is_filtered(login, base, requester, other_requester, department_user):
    from openpyxl import load_workbook

    make_request(base, requester, title="甲需求")
    make_request(base, other_requester, title="乙需求", uses_voucher=False)
    response = login(department_user).get(reverse("sharing:request_staff_xlsx") + "?q=甲")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming
                                      else response.content)).active.iter_rows(values_only=True))
    titles = [r[5] for r in rows if r and r[0] and str(r[0]).startswith("FW")]
    assert titles == ["甲需求"]


def test_the_dashboards(login, base, applicant, requester):
    req = make_request(base, requester, title="甲需求")
    base_side = _html(login(applicant).get(reverse("dashboard")))
    assert "待答复的服务需求" in base_side and "甲需求" in base_side
    svc.request_quote(request=req, actor=applicant, amount=Decimal("100"), valid_until=timezone.localdate())
    owner = _html(login(requester).get(reverse("dashboard")))
    detail = reverse("sharing:request_detail", args=[req.pk])
    assert "待我答复的服务需求" in owner and "进行中的服务需求" in owner
    assert owner.count(f'href="{detail}">{req.number} 甲需求 · 已报价') == 2  # in both panels
    assert reverse("sharing:request_mine") in owner
