"""运行奖补 pages: the list, a new year from the form (bad input kept), the year's page (eligible and not with why,
the total against the budget), adjust, four eyes (the proposer's approve is 403), disbursement, the Excel, the
authority's read-only region view, the base's own panel, and 404 for everyone else."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from subsidies.models import LedgerEntry, RewardYear, RewardYearState
from subsidies.services import rewards as svc
from tests import factories as f

from .rewards_world import build, reward_year

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def w():
    return build()


def detail(year):
    return reverse("subsidies:reward_year_detail", args=[year.pk])


def line_url(year, line):
    return reverse("subsidies:reward_line_action", args=[year.pk, line.pk])


def test_staff_create_a_year_from_the_form_and_bad_input_is_kept(client, w):
    client.force_login(w.staff)
    url = reverse("subsidies:reward_year_create")
    html = client.get(url).content.decode()
    assert 'value="2025"' in html
    data = {"evaluation_year": "2025", "year": "2026", "min_grade": "good", "budget": "一百万",
            "tier_excellent": "400000", "tier_good": "200,000", "tier_pass": "", "note": "按考核结果"}
    response = client.post(url, data)
    assert response.status_code == 400 and "请输入金额" in response.content.decode()
    assert 'value="一百万"' in response.content.decode() and not RewardYear.objects.exists()
    response = client.post(url, {**data, "budget": "1,000,000"})
    year = RewardYear.objects.get()
    assert response.status_code == 302 and response.url == detail(year)
    assert year.budget == D("1000000.00") and year.lines.get(base=w.bases["b"]).amount == D("200000.00")


def test_the_year_page_lists_eligible_and_not_with_why(client, w):
    year = reward_year(w)
    client.force_login(w.staff)
    html = client.get(detail(year)).content.decode()
    assert 'id="eligible-table"' in html and 'id="ineligible-table"' in html
    assert "整改中，不享受运行奖补" in html and "已撤销认定，不享受运行奖补" in html
    assert "低于本年度运行奖补的最低等次良好" in html and "尚处认定后第2年" in html
    assert "800,000.00元" in html and "1,000,000.00元" in html and "80.00万元" in html
    assert 'value="propose"' in html and 'id="edit-settings"' in html


def test_adjust_through_the_line_form(client, w):
    year = reward_year(w)
    line = year.lines.get(base=w.bases["b"])
    client.force_login(w.staff)
    client.post(line_url(year, line), {"transition": "adjust", "expected_state": "open", "adjust-amount": "300000",
                                       "adjust-reason": ""})
    line.refresh_from_db()
    assert line.amount == D("200000.00")
    messages = [str(m) for m in client.get(detail(year)).context["messages"]]
    assert any("请填写调整理由" in m for m in messages)
    client.post(line_url(year, line), {"transition": "adjust", "expected_state": "open", "adjust-amount": "300000",
                                       "adjust-reason": "成效突出"})
    line.refresh_from_db()
    assert line.amount == D("300000.00")
    html = client.get(detail(year)).content.decode()
    assert "已调整" in html and "成效突出" in html and 'id="over-budget"' not in html


def test_over_budget_shows_and_blocks_submission(client, w):
    year = reward_year(w, budget="500000")
    client.force_login(w.staff)
    html = client.get(detail(year)).content.decode()
    assert 'id="over-budget"' in html and 'value="override_budget"' in html
    assert 'id="propose-hint"' in html and "超出预算" in html
    client.post(detail(year), {"transition": "override_budget", "expected_state": "draft",
                               "override_budget-reason": "经研究同意"})
    html = client.get(detail(year)).content.decode()
    assert "经研究同意" in html and 'id="propose-hint"' not in html


def test_four_eyes_the_proposers_approve_is_403(client, w):
    year = reward_year(w)
    client.force_login(w.staff)
    assert client.post(detail(year), {"transition": "propose", "expected_state": "draft"}).status_code == 302
    html = client.get(detail(year)).content.decode()
    assert 'id="awaits-second"' in html and 'value="approve"' not in html
    response = client.post(detail(year), {"transition": "approve", "expected_state": "proposed"})
    assert response.status_code == 403
    year.refresh_from_db()
    assert year.state == RewardYearState.PROPOSED and not LedgerEntry.objects.exists()
    client.force_login(w.colleague)
    assert 'value="approve"' in client.get(detail(year)).content.decode()
    response = client.post(detail(year), {"transition": "approve", "expected_state": "proposed",
                                          "approve-document_no": "桂科成字〔2026〕1号", "approve-opinion": "同意"})
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.state == RewardYearState.APPROVED and LedgerEntry.objects.filter(kind="grant").count() == 3


def _approved(w):
    year = svc.reward_year_propose(reward_year=reward_year(w), actor=w.staff)
    return svc.reward_year_approve(reward_year=year, actor=w.colleague)


def test_disburse_a_line_then_all(client, w):
    year = _approved(w)
    a = year.lines.get(base=w.bases["a"])
    client.force_login(w.staff)
    html = client.get(detail(year)).content.decode()
    assert f'id="disburse-no-{a.pk}"' in html and 'value="disburse"' in html
    client.post(line_url(year, a), {"transition": "disburse", "expected_state": "open",
                                    "disburse-disbursed_on": "2026-01-05", "disburse-document_no": ""})
    a.refresh_from_db()
    assert a.state == "open"
    client.post(line_url(year, a), {"transition": "disburse", "expected_state": "open",
                                    "disburse-disbursed_on": "2026-01-05", "disburse-document_no": "拨-1"})
    a.refresh_from_db()
    assert a.state == "disbursed" and a.document_no == "拨-1"
    client.post(detail(year), {"transition": "disburse", "expected_state": "approved",
                               "disburse-disbursed_on": "2026-01-06", "disburse-document_no": "拨-2"})
    year.refresh_from_db()
    assert year.state == RewardYearState.DISBURSED
    assert LedgerEntry.objects.filter(kind="disbursement").count() == 3


def test_export_is_what_the_page_lists(client, w):
    import io

    from openpyxl import load_workbook

    year = reward_year(w)
    client.force_login(w.authority_user)
    response = client.get(reverse("subsidies:reward_year_export", args=[year.pk]))
    ws = load_workbook(io.BytesIO(response.content)).active
    names = [row[0].value for row in ws.iter_rows(min_row=2)]
    assert w.bases["a"].name in names and w.bases["far"].name not in names  # the authority's region only
    assert len(names) == 6


def test_the_authority_reads_its_region_and_may_not_act(client, w):
    year = reward_year(w)
    client.force_login(w.authority_user)
    html = client.get(detail(year)).content.decode()
    assert w.bases["a"].name in html and w.bases["far"].name not in html
    assert 'value="propose"' not in html and 'id="budget"' not in html and 'id="region-total"' in html
    assert client.post(detail(year), {"transition": "propose", "expected_state": "draft"}).status_code == 403
    line = year.lines.get(base=w.bases["a"])
    assert client.post(line_url(year, line), {"transition": "adjust"}).status_code == 403
    client.force_login(w.other_authority_user)
    html = client.get(detail(year)).content.decode()
    assert w.bases["far"].name in html and w.bases["a"].name not in html
    assert client.get(line_url(year, line)).status_code in (403, 404)


def test_the_base_sees_its_own_lines_once_approved(client, w):
    year = reward_year(w)
    base_url = reverse("evaluations:base_detail", args=[w.bases["a"].pk])
    client.force_login(w.users["a"])
    assert client.get(detail(year)).status_code == 404
    assert 'id="base-rewards"' not in client.get(base_url).content.decode()
    svc.reward_year_approve(reward_year=svc.reward_year_propose(reward_year=year, actor=w.staff), actor=w.colleague)
    html = client.get(base_url).content.decode()
    assert 'id="base-rewards"' in html and "400,000.00" in html


@pytest.mark.parametrize("factory", [f.AgencyUserFactory, f.ExpertUserFactory, f.ApplicantUserFactory])
def test_others_get_404(client, w, factory):
    year = reward_year(w)
    client.force_login(factory())
    for url in (reverse("subsidies:reward_year_list"), detail(year),
                reverse("subsidies:reward_year_export", args=[year.pk])):
        assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_log_in(client, w):
    response = client.get(reverse("subsidies:reward_year_list"))
    assert response.status_code == 302 and "login" in response.url


def test_the_year_page_says_what_is_awaited(client, w):
    year = reward_year(w)
    client.force_login(w.staff)
    assert "编制中：科技厅核对名单和金额后提交审批。" in client.get(detail(year)).content.decode()
    year = svc.reward_year_approve(reward_year=svc.reward_year_propose(reward_year=year, actor=w.staff),
                                   actor=w.colleague)
    assert "尚有 3 个基地未拨付" in client.get(detail(year)).content.decode()
    a = year.lines.get(base=w.bases["a"])
    svc.reward_line_disburse(line=a, actor=w.staff, disbursed_on=timezone.localdate(), document_no="拨-1")
    assert "尚有 2 个基地未拨付" in client.get(detail(year)).content.decode()
