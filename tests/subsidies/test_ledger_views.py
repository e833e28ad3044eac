"""资金台账 pages: who reads which rows (staff all, an authority its region's, a base's units their own; agency,
experts and the public nothing), the filters, the totals net of reversals in every grouping, the Excel of exactly
the filtered rows, the base page's money panel, and the nav link."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from subsidies.models import LedgerEntry
from subsidies.selectors import ledger as sel
from tests import factories as f

from .ledger_world import build

pytestmark = pytest.mark.django_db
D = Decimal
LIST, EXPORT = "subsidies:ledger_list", "subsidies:ledger_export"


@pytest.fixture
def w():
    return build()


def ids(response) -> set[int]:
    return {r.pk for r in response.context["page"]}


def rows_of(w, *keys) -> set[int]:
    return {w.rows[k].pk for k in keys}


A_ROWS = ("a_grant", "a_disb", "a_wrong", "a_rev", "a_op")
B_ROWS = ("b_grant", "b_disb", "b_repay", "b_wo")
FAR_ROWS = ("far_grant", "far_disb")


@pytest.mark.parametrize(("who", "keys"), [
    ("staff", A_ROWS + B_ROWS + FAR_ROWS),
    ("authority", A_ROWS + B_ROWS),
    ("other_authority", FAR_ROWS),
    ("a", A_ROWS), ("partner", A_ROWS), ("b", B_ROWS), ("far", FAR_ROWS),
])
def test_each_reader_sees_its_own_scope(client, w, who, keys):
    client.force_login(getattr(w, who, None) or w.users[who])
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    assert ids(response) == rows_of(w, *keys)
    assert response.context["summary"]["n"] == len(keys)


@pytest.mark.parametrize("who", ["agency", "expert"])
def test_agency_and_experts_get_404(client, w, who):
    client.force_login(getattr(w, who))
    assert client.get(reverse(LIST)).status_code == 404
    assert client.get(reverse(EXPORT)).status_code == 404


def test_anonymous_goes_to_login_and_a_post_is_refused(client, w):
    assert client.get(reverse(LIST)).status_code == 302
    client.force_login(w.staff)
    assert client.post(reverse(LIST)).status_code == 405
    assert client.post(reverse(EXPORT)).status_code == 405


def test_staff_totals_are_net_of_reversals_with_thousands_separators(client, w):
    client.force_login(w.staff)
    response = client.get(reverse(LIST))
    s = response.context["summary"]
    assert (s["grant"], s["disbursement"], s["repayment"], s["write_off"]) == (
        D("4600000.00"), D("3800000.00"), D("30000.00"), D("10000.00"))
    assert s["net"] == D("3770000.00") and s["n_reversals"] == 1
    html = response.content.decode()
    assert "4,600,000.00" in html and "3,800,000.00" in html and "3,770,000.00" in html
    assert "已被 %d 号冲正" % w.rows["a_rev"].pk in html and "冲正 %d 号（拨付）" % w.rows["a_wrong"].pk in html


def test_the_authority_totals_are_its_regions(client, w):
    client.force_login(w.authority)
    s = client.get(reverse(LIST)).context["summary"]
    assert (s["grant"], s["disbursement"], s["repayment"], s["write_off"], s["n"]) == (
        D("1600000.00"), D("800000.00"), D("30000.00"), D("10000.00"), 9)


@pytest.mark.parametrize(("params", "keys"), [
    ({"year": "2025"}, ("a_grant", "a_disb", "a_wrong", "a_rev") + FAR_ROWS),
    ({"city": "liuzhou"}, FAR_ROWS),
    ({"industry": "biomedicine"}, B_ROWS),
    ({"platform_type": "concept-verification"}, B_ROWS),
    ({"kind": "disbursement"}, ("a_disb", "a_wrong", "a_rev", "b_disb", "far_disb")),
    ({"kind": "reversal"}, ("a_rev",)),
    ({"kind": "write_off"}, ("b_wo",)),
    ({"support": "operating"}, ("a_op", "b_grant", "b_disb")),
    ({"support": "recovery"}, ("b_repay", "b_wo")),
    ({"q": "台账乙"}, B_ROWS),
    ({"q": "缴款-9"}, ("b_repay",)),
    ({"year": "2026", "support": "operating", "city": "nanning"}, ("a_op", "b_grant", "b_disb")),
    ({"year": "abc"}, A_ROWS + B_ROWS + FAR_ROWS),  # a bad value drops its own filter only
])
def test_filters(client, w, params, keys):
    from pilotbase.models import City, Industry, PlatformType

    refs = {"city": City, "industry": Industry, "platform_type": PlatformType}
    data = {k: (str(refs[k].objects.get(code=v).pk) if k in refs else v) for k, v in params.items()}
    client.force_login(w.staff)
    response = client.get(reverse(LIST), data)
    assert response.status_code == 200
    assert ids(response) == rows_of(w, *keys)


def test_a_kind_filter_totals_that_kind_net_of_its_reversals(client, w):
    client.force_login(w.staff)
    s = client.get(reverse(LIST), {"kind": "disbursement"}).context["summary"]
    assert s["disbursement"] == D("3800000.00") and s["grant"] == D("0.00") and s["n"] == 5


def _totals(client, group, **params):
    response = client.get(reverse(LIST), {"group": group, **params})
    assert response.status_code == 200
    return {str(t["label"]): (t["n"], t["grant"], t["disbursement"], t["repayment"], t["write_off"])
            for t in response.context["totals"]}


def test_totals_by_every_grouping(client, w):
    client.force_login(w.staff)
    z = D("0.00")
    assert _totals(client, "year") == {
        "2026": (5, D("600000.00"), D("200000.00"), D("30000.00"), D("10000.00")),
        "2025": (6, D("4000000.00"), D("3600000.00"), z, z)}
    assert _totals(client, "city") == {
        "南宁市": (9, D("1600000.00"), D("800000.00"), D("30000.00"), D("10000.00")),
        "柳州市": (2, D("3000000.00"), D("3000000.00"), z, z)}
    assert _totals(client, "industry") == {
        "新材料": (7, D("4400000.00"), D("3600000.00"), z, z),
        "生物医药": (4, D("200000.00"), D("200000.00"), D("30000.00"), D("10000.00"))}
    assert _totals(client, "platform_type") == {
        "中试研究基地": (7, D("4400000.00"), D("3600000.00"), z, z),
        "概念验证中心": (4, D("200000.00"), D("200000.00"), D("30000.00"), D("10000.00"))}
    assert _totals(client, "support") == {
        "建设支持": (6, D("4000000.00"), D("3600000.00"), z, z),
        "运行奖补": (3, D("600000.00"), D("200000.00"), z, z),
        "追回": (2, z, z, D("30000.00"), D("10000.00"))}
    # by kind: a reversal counts with the kind it takes back (no line of its own)
    assert _totals(client, "kind") == {
        "核定/下达": (4, D("4600000.00"), z, z, z), "拨付": (5, z, D("3800000.00"), z, z),
        "缴回": (1, z, z, D("30000.00"), z), "核销": (1, z, z, z, D("10000.00"))}
    assert list(_totals(client, "support", year="2026")) == ["运行奖补", "追回"]  # the totals follow the filters


def test_every_grouping_adds_up_to_the_summary(w):
    qs = sel.ledger_rows(w.staff)
    summary = sel.ledger_summary(qs)
    for group in sel.GROUPS:
        lines = sel.ledger_totals(qs, group)
        for key in ("n", "grant", "disbursement", "repayment", "write_off", "net"):
            assert sum(line[key] for line in lines) == summary[key], (group, key)
        assert sel.ledger_summary_of(lines) == summary, group  # what the list page shows above its totals
    assert sel.ledger_summary_of([]) == sel.ledger_summary(qs.none())


@pytest.mark.parametrize("key", ["a", "b", "far"])
def test_a_base_pages_totals_in_the_rows_query_are_the_grouped_totals(w, key):
    """The base page reads its rows with their category's totals as window aggregates (one query): the same
    lines as the GROUP BY of the ledger pages, reversals netted (base a has one)."""
    base = w.bases[key]
    entries, lines = sel.base_ledger_with_totals(base)
    assert [e.pk for e in entries] == [e.pk for e in sel.base_ledger(base)]
    assert lines == sel.ledger_totals(sel.base_ledger(base), "support")
    assert sel.ledger_summary_of(lines) == sel.ledger_summary(sel.base_ledger(base))


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content)).active
    values = list(ws.iter_rows(values_only=True))
    header = values.index(next(r for r in values if r and r[0] == "记录编号"))
    return values[:header], values[header], [r for r in values[header + 1:] if r and r[0] is not None], ws


@pytest.mark.parametrize(("who", "params"), [
    ("staff", {}), ("staff", {"year": "2025", "kind": "disbursement"}), ("staff", {"q": "台账乙"}),
    ("authority", {}), ("a", {}),
])
def test_the_excel_holds_exactly_the_filtered_rows(client, w, who, params):
    client.force_login(getattr(w, who, None) or w.users[who])
    page = client.get(reverse(LIST), params)
    heading, header, data, ws = _sheet(client.get(reverse(EXPORT), params))
    expected = list(sel.ledger_rows(getattr(w, who, None) or w.users[who],
                                    filters=getattr(page.context["form"], "cleaned_data", {})))
    assert [r[0] for r in data] == [e.pk for e in expected]
    assert {r[0] for r in data} == ids(page)
    amount_col = header.index("金额（元）")
    assert [D(str(r[amount_col])).quantize(D("0.01")) for r in data] == [e.amount for e in expected]
    base_col, kind_col = header.index("中试基地"), header.index("类别")
    assert [(r[base_col], r[kind_col]) for r in data] == [(e.base.name, e.get_kind_display()) for e in expected]
    assert heading[0][0] == "中试研究基地资金台账"
    assert f"共 {len(expected)} 条记录" in heading[1][0]


def test_the_excel_amounts_are_numbers_with_thousands_separators(client, w):
    client.force_login(w.staff)
    _heading, header, data, ws = _sheet(client.get(reverse(EXPORT), {"kind": "grant"}))
    col = header.index("金额（元）") + 1
    cell = ws.cell(row=len(_heading) + 2, column=col)
    assert cell.number_format == "#,##0.00" and isinstance(cell.value, int | float)
    assert "核定/下达合计 4,600,000.00 元" in _heading[1][0]
    reversed_col = header.index("已被冲正")
    wrong = next(r for r in _sheet(client.get(reverse(EXPORT)))[2] if r[0] == w.rows["a_wrong"].pk)
    assert wrong[reversed_col] == f"是（{w.rows['a_rev'].pk}号）"


# ---- the base's money panel ------------------------------------------------------------------------------------
def _base_page(client, user, base):
    client.force_login(user)
    return client.get(reverse("evaluations:base_detail", args=[base.pk]))


@pytest.mark.parametrize("who", ["a", "partner", "authority", "staff"])
def test_the_base_page_shows_its_own_money(client, w, who):
    response = _base_page(client, getattr(w, who, None) or w.users[who], w.bases["a"])
    html = response.content.decode()
    assert 'id="base-ledger"' in html
    for key in A_ROWS:
        assert f'id="money-{w.rows[key].pk}"' in html
    for key in B_ROWS + FAR_ROWS:
        assert f'id="money-{w.rows[key].pk}"' not in html
    assert 'data-total="grant">1,400,000.00' in html and 'data-total="disbursement">600,000.00' in html
    assert "已冲正" in html and "金额录错" in html and "−50,000.00" in html
    assert ('id="base-ledger-link"' in html) == (who in ("authority", "staff"))


def test_a_base_without_money_shows_no_panel_to_its_unit_but_an_empty_one_to_staff(client, w):
    empty = f.ApplicantOrgFactory(authority=w.bases["a"].lead_unit.authority)
    from .ledger_world import make_base

    base = make_base("无资金", empty)
    user = f.ApplicantUserFactory(organization=empty)
    assert 'id="base-ledger"' not in _base_page(client, user, base).content.decode()
    assert 'id="base-ledger-empty"' in _base_page(client, w.staff, base).content.decode()


def test_the_nav_link_is_for_staff_and_authorities(client, w):
    href = f'href="{reverse(LIST)}"'
    for user in (w.staff, w.authority):
        client.force_login(user)
        assert href in client.get(reverse("dashboard")).content.decode()
    client.force_login(w.users["a"])
    assert href not in client.get(reverse("dashboard")).content.decode()


def test_rows_stay_append_only_through_the_pages(client, w):
    """The pages never write: after every read the ledger holds the same rows."""
    before = list(LedgerEntry.objects.order_by("pk").values_list("pk", "amount"))
    client.force_login(w.staff)
    client.get(reverse(LIST))
    client.get(reverse(EXPORT))
    client.post(reverse(LIST))
    assert list(LedgerEntry.objects.order_by("pk").values_list("pk", "amount")) == before
