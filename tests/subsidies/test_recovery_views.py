"""追回 pages: the list with its filters and counts (and staff's 「待追回」), the open form, the recovery's page with
the actions box: payments (bad input kept, Chinese messages), the write-off's four eyes (the proposer gets 403),
who reads what."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from subsidies.models import LedgerEntry, LedgerKind, Recovery, RecoveryState
from subsidies.services import recovery as svc

from .recovery_world import build

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def w():
    return build()


def _open(w, **kw):
    return svc.recovery_open_for_revocation(revocation=w.revocation, actor=w.staff,
                                            due_on=timezone.localdate() + timedelta(days=60), **kw)


def _detail(r):
    return reverse("subsidies:recovery_detail", args=[r.pk])


def test_a_revoked_base_is_on_staffs_list_and_opened_from_it(client, w):
    client.force_login(w.staff)
    html = client.get(reverse("subsidies:recovery_list")).content.decode()
    assert "待追回（1个基地）" in html and w.bases["a"].name in html and "890,000.00" in html
    url = reverse("subsidies:recovery_create") + f"?revocation={w.revocation.pk}"
    page = client.get(url).content.decode()
    assert "800,000.00元" in page and 'value="2023-06-01"' in page
    due = (timezone.localdate() + timedelta(days=90)).isoformat()
    bad = client.post(url, {"revocation": w.revocation.pk, "period_from": "2023-06-01", "period_to": "2026-06-30",
                            "amount": "500000", "due_on": due, "reason": "撤销认定。"})
    assert bad.status_code == 400 and "请填写金额调整理由" in bad.content.decode()
    assert 'value="500000"' in bad.content.decode()  # what was typed stays
    ok = client.post(url, {"revocation": w.revocation.pk, "period_from": "2023-06-01", "period_to": "2026-06-30",
                           "amount": "", "due_on": due, "reason": "撤销认定，追回财政资金。"})
    r = Recovery.objects.get()
    assert ok.status_code == 302 and ok["Location"] == _detail(r) and r.amount == D("800000.00")
    assert "待追回（0个基地）" in client.get(reverse("subsidies:recovery_list")).content.decode()


def test_open_form_messages_in_chinese(client, w):
    client.force_login(w.staff)
    r = client.post(reverse("subsidies:recovery_create"), {"period_from": "2026-13-01", "amount": "abc"})
    html = r.content.decode()
    assert r.status_code == 400
    assert "请选择撤销认定" in html and "请按 年-月-日 填写日期" in html and "请填写追回理由" in html
    assert 'value="abc"' in html


def test_a_payment_with_bad_input_comes_back_with_what_was_typed(client, w):
    r = _open(w)
    client.force_login(w.staff)
    base = {"transition": "repay", "expected_state": "open"}
    resp = client.post(_detail(r), {**base, "repay-amount": "12.345", "repay-paid_on": "2099-01-01",
                                    "repay-document_no": "缴款-1"})
    html = resp.content.decode()
    assert resp.status_code == 400 and "缴回日期不能晚于今天" in html and 'value="12.345"' in html
    assert 'value="缴款-1"' in html and not LedgerEntry.objects.filter(kind=LedgerKind.REPAYMENT).exists()
    today = timezone.localdate().isoformat()
    over = client.post(_detail(r), {**base, "repay-amount": "800000.01", "repay-paid_on": today,
                                    "repay-document_no": "缴款-1"}, follow=True)
    assert "不能超过尚未缴回的800,000.00元" in over.content.decode()
    done = client.post(_detail(r), {**base, "repay-amount": "300,000", "repay-paid_on": today,
                                    "repay-document_no": "缴款-1"}, follow=True)
    html = done.content.decode()
    assert "已登记缴回" in html and "部分缴回" in html and "500,000.00元" in html
    r.refresh_from_db()
    assert r.state == RecoveryState.PARTLY_REPAID


def test_write_off_four_eyes_the_proposer_gets_403(client, w):
    r = _open(w)
    client.force_login(w.staff)
    resp = client.post(_detail(r), {"transition": "propose_write_off", "expected_state": "open",
                                    "propose_write_off-reason": "单位已注销，无法追回。"})
    assert resp.status_code == 302
    page = client.get(_detail(r)).content.decode()
    assert 'id="awaits-second"' in page and "approve_write_off-action" not in page
    denied = client.post(_detail(r), {"transition": "approve_write_off", "expected_state": "write_off_proposed"})
    assert denied.status_code == 403
    client.force_login(w.colleague)
    assert "approve_write_off-action" in client.get(_detail(r)).content.decode()
    resp = client.post(_detail(r), {"transition": "approve_write_off", "expected_state": "write_off_proposed",
                                    "approve_write_off-opinion": "同意。"})
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.state == RecoveryState.WRITTEN_OFF
    assert LedgerEntry.objects.get(kind=LedgerKind.WRITE_OFF).amount == D("800000.00")


def test_filters_and_counts(client, w):
    r = _open(w)
    svc.recovery_repay(recovery=r, actor=w.staff, amount=D("1.00"), paid_on=timezone.localdate(),
                       document_no="缴款-1")
    late = Recovery.objects.create(base=w.bases["b"], origin="construction", period_from="2024-01-01",
                                   period_to="2024-12-31", received=D("5.00"), amount=D("5.00"),
                                   due_on=timezone.localdate() - timedelta(days=1), reason="建设未完成。")
    client.force_login(w.staff)
    url = reverse("subsidies:recovery_list")
    html = client.get(url).content.decode()
    assert f'id="recovery-{r.pk}"' in html and f'id="recovery-{late.pk}"' in html
    overdue = client.get(url, {"state": "overdue"}).content.decode()
    assert f'id="recovery-{late.pk}"' in overdue and f'id="recovery-{r.pk}"' not in overdue
    partly = client.get(url, {"state": "partly_repaid"}).content.decode()
    assert f'id="recovery-{r.pk}"' in partly and f'id="recovery-{late.pk}"' not in partly
    by_name = client.get(url, {"q": "追回乙"}).content.decode()
    assert f'id="recovery-{late.pk}"' in by_name and f'id="recovery-{r.pk}"' not in by_name
    assert "筛选结果 1 条" in by_name
    # the counts are of everything the user reads, whatever the filter
    assert '<div id="count-overdue"><span class="text-muted">已逾期</span> <strong class="text-danger">1</strong>' in by_name


def test_who_reads_the_recovery(client, w):
    r = _open(w)
    for user in (w.users["a"], w.users["partner"], w.authority):
        client.force_login(user)
        page = client.get(_detail(r))
        assert page.status_code == 200 and "repay-action" not in page.content.decode()
        assert client.post(_detail(r), {"transition": "repay", "expected_state": "open"}).status_code == 403
        assert f'id="recovery-{r.pk}"' in client.get(reverse("subsidies:recovery_list")).content.decode()
    for user in (w.other_authority, w.users["b"], w.users["far"], w.agency):
        client.force_login(user)
        assert client.get(_detail(r)).status_code == 404
    client.force_login(w.other_authority)
    assert f'id="recovery-{r.pk}"' not in client.get(reverse("subsidies:recovery_list")).content.decode()
    client.force_login(w.agency)
    assert client.get(reverse("subsidies:recovery_list")).status_code == 404
    client.force_login(w.users["a"])
    assert client.get(reverse("subsidies:recovery_create")).status_code == 404


def test_the_base_page_links_its_recovery_for_who_reads_its_money(client, w):
    r = _open(w)
    url = reverse("evaluations:base_detail", args=[w.bases["a"].pk])
    for user in (w.users["a"], w.users["partner"], w.authority, w.staff):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert 'id="base-recoveries"' in html and _detail(r) in html
    client.force_login(w.staff)
    html = client.get(reverse("evaluations:base_detail", args=[w.bases["b"].pk])).content.decode()
    assert 'id="base-recoveries"' not in html


def test_the_log_dates_read_as_on_every_page(client, w):
    from pilotbase.formats import cn_date

    r = _open(w)
    client.force_login(w.staff)
    html = client.get(_detail(r)).content.decode()
    log = _logged_at(r)
    assert f'<span class="text-muted small">{cn_date(log)}</span>' in html and "年" in cn_date(log)
    assert timezone.localtime(log).strftime("%Y-%m-%d %H:%M") not in html


def _logged_at(r):
    from django.contrib.contenttypes.models import ContentType

    from pilotbase.models import TransitionLog

    return TransitionLog.objects.filter(record_type=ContentType.objects.get_for_model(Recovery),
                                        record_id=r.pk).latest("at").at


def test_the_lead_units_dashboard_shows_what_it_still_has_to_repay(client, w):
    client.force_login(w.users["a"])
    assert "待缴回的财政资金" not in client.get(reverse("dashboard")).content.decode()
    r = _open(w)
    svc.recovery_repay(recovery=r, actor=w.staff, amount="300000", paid_on=timezone.localdate(), document_no="缴-1")
    r = Recovery.objects.get(pk=r.pk)
    html = client.get(reverse("dashboard")).content.decode()
    left = f"{r.amount - r.repaid:,.2f}元"
    assert f'<a href="{_detail(r)}">{w.bases["a"].name}：尚未缴回{left}</a>' in html
    assert "（还剩 60 天）" in html
    client.force_login(w.users["b"])  # another base's unit
    assert _detail(r) not in client.get(reverse("dashboard")).content.decode()
    client.force_login(w.users["partner"])  # a partner unit does not repay: no panel
    assert "待缴回的财政资金" not in client.get(reverse("dashboard")).content.decode()


def test_the_repayments_panel_costs_the_same_queries_for_one_recovery_or_four(client, w):
    from tests.queries import assert_constant

    from .recovery_world import make_base

    model = _open(w)
    unit = w.users["a"].organization

    def add(k):
        for _ in range(k):
            svc.recovery_open(base=make_base(f"面板{Recovery.objects.count()}", unit), actor=w.staff,
                              origin=model.origin, period_from=model.period_from, period_to=model.period_to,
                              due_on=model.due_on, reason="撤销认定。", amount="1000", amount_reason="按核定金额。")

    client.force_login(w.users["a"])
    assert_constant(client, reverse("dashboard"), add, "：尚未缴回")
