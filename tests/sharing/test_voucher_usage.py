"""创新券使用情况 (staff): who may open it, the figures per base, city and year, the filters, the Excel export and
its query count."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse

from pilotbase.models import Base
from tests import factories as f
from tests.queries import assert_constant

from .conftest import make_base
from .request_world import local, make_request, requester_in

pytestmark = pytest.mark.django_db
URL = "/sharing/vouchers/"


@pytest.fixture
def liuzhou_base(db, other_applicant):
    base = make_base(other_applicant.organization, name="柳州示范机械科技成果转化中试研究基地")
    Base.objects.filter(pk=base.pk).update(city=f.city("liuzhou"))
    base.refresh_from_db(fields=["city"])
    return base


@pytest.fixture
def usage(base, applicant, liuzhou_base, other_applicant):
    """Nanning's base: 3,000 (2025) and 1,500 + 500 (2026) in vouchers, a plain request and a disputed voucher one;
    Liuzhou's base: 2,000 in 2026."""
    who = requester_in("nanning")
    make_request(base, applicant, who, to="confirmed", voucher=Decimal("3000.00"), delivered_at=local(2025, 5))
    make_request(base, applicant, who, to="confirmed", voucher=Decimal("1500.00"), quote=Decimal("6000.00"),
                 delivered_at=local(2026, 3))
    make_request(base, applicant, who, to="delivered", voucher=Decimal("500.00"), quote=Decimal("2000.00"),
                 delivered_at=local(2026, 4))
    make_request(base, applicant, who, to="confirmed", delivered_at=local(2026, 5))  # no voucher
    make_request(base, applicant, who, to="disputed", voucher=Decimal("9999.00"))  # not done: not counted
    make_request(liuzhou_base, other_applicant, requester_in(None), to="confirmed", voucher=Decimal("2000.00"),
                 delivered_at=local(2026, 7))


def test_the_path_is_the_named_url():
    assert reverse("sharing:voucher_usage") == URL


@pytest.mark.parametrize("who", ["applicant", "authority_user", "agency_user", "expert_user", "requester"])
def test_anyone_but_staff_gets_404(request, client, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404
    assert client.get(reverse("sharing:voucher_usage_export")).status_code == 404


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_staff_see_rows_and_totals(client, department_user, usage, base):
    client.force_login(department_user)
    response = client.get(URL)
    assert response.status_code == 200
    ctx = response.context["usage"]
    assert [(r.year, r.city_name, r.base_name, r.requests, r.voucher_amount, r.quote_amount) for r in ctx.rows] == [
        (2026, "南宁市", base.name, 2, Decimal("2000.00"), Decimal("8000.00")),
        (2026, "柳州市", "柳州示范机械科技成果转化中试研究基地", 1, Decimal("2000.00"), Decimal("10000.00")),
        (2025, "南宁市", base.name, 1, Decimal("3000.00"), Decimal("10000.00")),
    ]
    assert [(t.label, t.requests, t.voucher_amount) for t in ctx.by_city] == [
        ("南宁市", 3, Decimal("5000.00")), ("柳州市", 1, Decimal("2000.00"))]
    assert [(t.label, t.voucher_amount) for t in ctx.by_year] == [("2026", Decimal("4000.00")),
                                                                  ("2025", Decimal("3000.00"))]
    assert [(t.label, t.voucher_amount) for t in ctx.by_base] == [
        ("广西示范新材料科技成果转化中试研究基地", Decimal("5000.00")), ("柳州示范机械科技成果转化中试研究基地", Decimal("2000.00"))]
    assert (ctx.total.requests, ctx.total.voucher_amount) == (4, Decimal("7000.00"))
    html = response.content.decode()
    assert "7,000.00元" in html and html.count('class="voucher-row"') == 3


def test_the_system_admin_sees_it_too(client, admin_user_persona, usage):
    client.force_login(admin_user_persona)
    assert client.get(URL).status_code == 200


def test_filters_by_year_city_and_base(client, department_user, usage, base, liuzhou_base):
    client.force_login(department_user)

    def rows(query):
        return [(r.year, r.base_id) for r in client.get(URL + query).context["usage"].rows]

    assert rows("?year=2025") == [(2025, base.pk)]
    assert rows(f"?city={f.city('liuzhou').pk}") == [(2026, liuzhou_base.pk)]
    assert rows(f"?base={base.pk}") == [(2026, base.pk), (2025, base.pk)]
    assert rows(f"?year=2026&city={f.city('nanning').pk}") == [(2026, base.pk)]
    assert rows(f"?year=2025&city={f.city('liuzhou').pk}") == []


@pytest.mark.parametrize("query", ["?year=1999", "?year=abc", "?city=x", "?base=99999999", "?base=1e400",
                                   "?base=99999999999999999999999", "?city=-1"])
def test_a_bad_filter_is_dropped_with_a_message(client, department_user, usage, query):
    client.force_login(department_user)
    response = client.get(URL + query)
    assert response.status_code == 200
    assert len(response.context["usage"].rows) == 3  # the bad filter is off
    assert "请从列表中选择" in response.content.decode()


def test_no_use_says_what_comes_next(client, department_user):
    client.force_login(department_user)
    assert 'id="voucher-empty"' in client.get(URL).content.decode()


def _sheets(response) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(response.content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_the_export_is_what_is_filtered(client, department_user, usage, base):
    client.force_login(department_user)
    response = client.get(reverse("sharing:voucher_usage_export") + "?year=2026")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = _sheets(response)
    assert list(sheets) == ["按基地和年度", "按基地", "按设区市", "按年度"]
    rows = sheets["按基地和年度"]
    assert rows[0][0] == "科技创新券使用情况"
    assert rows[2] == ("年度", "设区市", "中试基地", "用券需求（项）", "创新券金额（元）", "服务报价合计（元）")
    assert rows[3:] == [(2026, "南宁市", base.name, 2, 2000.0, 8000.0),
                        (2026, "柳州市", "柳州示范机械科技成果转化中试研究基地", 1, 2000.0, 10000.0),
                        ("合计", None, None, 3, 4000.0, 18000.0)]
    assert sheets["按设区市"][1:] == [("南宁市", 1 + 1, 2000.0, 8000.0), ("柳州市", 1, 2000.0, 10000.0)]
    assert sheets["按年度"][1:] == [("2026", 3, 4000.0, 18000.0)]


def test_the_export_keeps_a_formula_like_name_as_text(client, department_user, applicant):
    base = make_base(applicant.organization, name="=HYPERLINK(\"http://evil\")中试基地")
    make_request(base, applicant, requester_in("nanning"), to="confirmed", voucher=Decimal("1.00"),
                 delivered_at=local(2026))
    client.force_login(department_user)
    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(client.get(reverse("sharing:voucher_usage_export")).content))["按基地和年度"]
    cell = ws.cell(row=4, column=3)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (base.name, "s", True)


def test_the_long_tables_are_paged_and_the_totals_are_of_every_row(client, department_user, usage, base,
                                                                   monkeypatch):
    """By base and year and by base show a page each (their own page parameters, each link keeping the filters and
    the other table's page); the total row, by city and by year are of every filtered row."""
    from sharing.views import vouchers

    monkeypatch.setattr(vouchers, "PER_PAGE", 2)
    client.force_login(department_user)
    first = client.get(URL, {"city": f.city("nanning").pk, "page": 1})
    assert [r.year for r in first.context["rows"]] == [2026, 2025]  # Nanning's two rows: one page
    html = client.get(URL).content.decode()
    assert html.count('class="voucher-row"') == 2 and "共 3 行" in html and "7,000.00元" in html
    assert 'href="?page=2#rows-h"' in html
    second = client.get(URL, {"page": 2})
    assert [(r.year, r.base_name) for r in second.context["rows"]] == [(2025, base.name)]
    assert [t.label for t in second.context["bases"]] == [base.name, "柳州示范机械科技成果转化中试研究基地"]
    monkeypatch.setattr(vouchers, "PER_PAGE", 1)
    both = client.get(URL, {"year": 2026, "page": 2, "base_page": 2}).content.decode()
    assert both.count('class="voucher-row"') == 1
    assert 'href="?year=2026&amp;base_page=2&page=1#rows-h"' in both  # 上一页 of the rows keeps the bases' page
    assert 'href="?year=2026&amp;page=2&base_page=1#by-base-h"' in both
    export = client.get(URL, {"year": 2026, "page": 2}).context["querystring"]
    assert export == "year=2026"  # the export is of every filtered row


def test_the_page_takes_the_same_queries_for_four_bases_as_for_one(client, department_user):
    client.force_login(department_user)
    made = []

    def add(k):
        for _ in range(k):
            org = f.ApplicantOrgFactory()
            user = f.ApplicantUserFactory(organization=org)
            base = make_base(org, name=f"广西第{len(made)}号科技成果转化中试研究基地")
            make_request(base, user, requester_in("nanning"), to="confirmed", voucher=Decimal("100.00"),
                         delivered_at=local(2026))
            made.append(base)

    assert_constant(client, URL, add, 'class="voucher-row"')


def test_a_delivery_just_after_local_midnight_on_new_years_day_is_the_new_years(client, department_user, base,
                                                                                applicant):
    make_request(base, applicant, requester_in("nanning"), to="confirmed", voucher=Decimal("10.00"),
                 delivered_at=local(2026, 1, 1, hour=0, minute=30))  # 2025-12-31 16:30 UTC
    make_request(base, applicant, requester_in("nanning"), to="confirmed", voucher=Decimal("20.00"),
                 delivered_at=local(2025, 12, 31, hour=23, minute=30))
    client.force_login(department_user)

    def rows(query=""):
        return [(r.year, r.voucher_amount) for r in client.get(URL + query).context["usage"].rows]

    assert rows() == [(2026, Decimal("10.00")), (2025, Decimal("20.00"))]
    assert rows("?year=2026") == [(2026, Decimal("10.00"))]
    assert rows("?year=2025") == [(2025, Decimal("20.00"))]


def test_the_filter_lists_no_base(client, department_user, usage):
    """No <select> of every base (3,000 at national scale were most of the page): ?base=<id> from a link filters."""
    client.force_login(department_user)
    html = client.get(URL).content.decode()
    form = html[html.index('id="voucher-filter"'):]
    form = form[:form.index("</form>")]
    assert '<select name="base"' not in form and 'type="hidden" name="base"' in form
