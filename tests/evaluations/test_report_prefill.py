"""The annual report's pre-fill from the portal (sharing's delivered service requests, through the registry's
report pre-fill provider): the values a new report starts with, what is kept of them when the base corrects one,
and the portal's figure with the difference on the agency's and staff's view (nothing where they agree)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations.models import AnnualReport
from evaluations.services import report as report_svc
from evaluations.services import round as round_svc
from evaluations.services.report_prefill import PrefillNote, prefill_notes
from tests.sharing.request_world import local, make_request, requester_in

from .round_world import FIGURES, world
from .scoring_world import scoring_round

pytestmark = pytest.mark.django_db

REF = date(2025, 12, 31)
PORTAL = {"voucher_income": "3500.00", "pilot_projects_outside": 3, "clients_in_guangxi": 1,
          "clients_outside_guangxi": 1}


@pytest.fixture
def w():
    return world(certified=[date(2023, 5, 1), date(2023, 6, 1)])


@pytest.fixture
def delivered(w):
    """Base 0 in 2025: a confirmed voucher request (3,000) and a delivered one (500) from a Nanning enterprise, a
    plain one from a Guangdong enterprise; not counted for 2025: a disputed one and one delivered in 2024. Base 1
    has one request, delivered in 2024."""
    base, other = w.bases
    user = w.base_user(base)
    nanning, guangdong = requester_in("nanning"), requester_in(None)
    make_request(base, user, nanning, to="confirmed", voucher=Decimal("3000.00"), delivered_at=local(2025, 3))
    make_request(base, user, nanning, to="delivered", voucher=Decimal("500.00"), delivered_at=local(2025, 11))
    make_request(base, user, guangdong, to="confirmed", delivered_at=local(2025, 8))
    make_request(base, user, guangdong, to="disputed", voucher=Decimal("7000.00"))
    make_request(base, user, nanning, to="confirmed", voucher=Decimal("900.00"), delivered_at=local(2024, 12, 31))
    make_request(other, w.base_user(other), nanning, to="confirmed", voucher=Decimal("100.00"),
                 delivered_at=local(2024, 6))


def _report(rnd, base) -> AnnualReport:
    return AnnualReport.objects.get(round=rnd, base=base)


def _four(report) -> dict:
    return {name: getattr(report, name) for name in PORTAL}


def test_opening_the_reports_prefills_the_rounds_year(w, delivered):
    rnd = w.open_round(year=2025, reference_date=REF)
    report = _report(rnd, w.bases[0])
    assert _four(report) == {"voucher_income": Decimal("3500.00"), "pilot_projects_outside": 3,
                             "clients_in_guangxi": 1, "clients_outside_guangxi": 1}
    assert report.prefilled == PORTAL
    assert report.pilot_projects is None and report.service_revenue is None  # the portal does not know those


def test_a_base_without_delivered_requests_that_year_starts_from_zeros(w, delivered):
    rnd = w.open_round(year=2025, reference_date=REF)
    report = _report(rnd, w.bases[1])
    assert _four(report) == {"voucher_income": Decimal("0.00"), "pilot_projects_outside": 0,
                             "clients_in_guangxi": 0, "clients_outside_guangxi": 0}
    assert prefill_notes(report) == {}


def test_another_years_round_takes_that_years_requests(w, delivered):
    rnd = w.open_round(year=2024, reference_date=date(2024, 12, 31))
    assert _report(rnd, w.bases[0]).prefilled["voucher_income"] == "900.00"
    assert _report(rnd, w.bases[1]).prefilled["voucher_income"] == "100.00"


def test_a_base_added_while_reports_are_open_is_prefilled_too():
    w2 = world(certified=[date(2023, 5, 1), date(2025, 10, 1)])
    young = w2.bases[1]
    make_request(young, w2.base_user(young), requester_in("liuzhou"), to="confirmed", voucher=Decimal("1200.00"),
                 delivered_at=local(2025, 12))
    rnd = w2.open_round(year=2025, reference_date=REF)
    assert not AnnualReport.objects.filter(round=rnd, base=young).exists()
    round_svc.round_base_include(rnd=rnd, base=young, actor=w2.staff, reason="建设期满，主动申请参评。")
    report = _report(rnd, young)
    assert (report.voucher_income, report.clients_in_guangxi, report.prefilled["voucher_income"]) == (
        Decimal("1200.00"), 1, "1200.00")


def test_a_correction_keeps_the_portals_figure(w, delivered):
    rnd = w.open_round(year=2025, reference_date=REF)
    report = _report(rnd, w.bases[0])
    report = report_svc.report_save(report=report, actor=w.base_user(report.base),
                                    data={"voucher_income": Decimal("4000.00"), "clients_in_guangxi": 1})
    report = _report(rnd, w.bases[0])
    assert report.voucher_income == Decimal("4000.00")
    assert report.prefilled == PORTAL
    assert prefill_notes(report) == {"voucher_income": PrefillNote(Decimal("3500.00"), Decimal("500.00"))}


def test_a_figure_left_blank_shows_the_portals_without_a_difference(w, delivered):
    rnd = w.open_round(year=2025, reference_date=REF)
    report = report_svc.report_save(report=_report(rnd, w.bases[0]), actor=w.base_user(w.bases[0]),
                                    data={"clients_outside_guangxi": None})
    assert prefill_notes(_report(rnd, w.bases[0])) == {"clients_outside_guangxi": PrefillNote(1, None)}
    assert report.pk


def test_a_report_made_before_the_prefill_shows_nothing(w, delivered):
    rnd = w.open_round(year=2025, reference_date=REF)
    AnnualReport.objects.filter(round=rnd).update(prefilled={})
    assert prefill_notes(_report(rnd, w.bases[0])) == {}


def _filed(w, rnd, **figures) -> AnnualReport:
    """Base 0 files the round's figures with the portal's four unless `figures` say otherwise."""
    portal = {k: (Decimal(v) if k == "voucher_income" else v) for k, v in PORTAL.items()}
    return w.filed(_report(rnd, w.bases[0]), **{**portal, **figures})


def test_the_agency_sees_the_portals_figure_and_the_difference(client, w, delivered):
    rnd = w.open_round(year=2025, reference_date=REF, authority_confirms=False)
    report = _filed(w, rnd, voucher_income=Decimal("420000.00"), clients_outside_guangxi=4)
    url = reverse("evaluations:report_detail", args=[report.pk])
    for viewer in (w.agency, w.staff):
        client.force_login(viewer)
        html = client.get(url).content.decode()
        assert '<div class="small text-warning-emphasis prefill-note" id="prefill-voucher_income">' \
               "平台记录：3,500.00元；差额：+416,500.00元</div>" in html
        assert 'id="prefill-clients_outside_guangxi">平台记录：1；差额：+3</div>' in html
        assert html.count("prefill-note") == 2  # the two figures that agree show nothing
    client.force_login(w.base_user(w.bases[0]))
    assert "平台记录" not in client.get(url).content.decode()  # the base's own page


def test_a_lower_figure_shows_a_negative_difference(client, w, delivered):
    rnd = w.open_round(year=2025, reference_date=REF, authority_confirms=False)
    report = _filed(w, rnd, pilot_projects_outside=1)
    client.force_login(w.agency)
    html = client.get(reverse("evaluations:report_detail", args=[report.pk])).content.decode()
    assert 'id="prefill-pilot_projects_outside">平台记录：3；差额：-2</div>' in html


def test_nothing_is_shown_when_the_base_files_the_portals_figures(client, w, delivered):
    rnd = w.open_round(year=2025, reference_date=REF, authority_confirms=False)
    report = _filed(w, rnd)
    client.force_login(w.agency)
    assert "平台记录" not in client.get(reverse("evaluations:report_detail", args=[report.pk])).content.decode()


def test_the_scoring_page_shows_the_difference_to_the_agency(client):
    w2 = world(certified=[date(2023, 5, 1)])
    base = w2.bases[0]
    make_request(base, w2.base_user(base), requester_in("nanning"), to="confirmed", voucher=Decimal("2000.00"),
                 delivered_at=local(2025, 6))
    rnd = scoring_round(w2, year=2025, reference_date=REF)  # files FIGURES: 420,000 in vouchers
    ev = rnd.evaluations.get(base=base)
    assert FIGURES["voucher_income"] == Decimal("420000.00")
    client.force_login(w2.agency)
    html = client.get(reverse("evaluations:evaluation_detail", args=[ev.pk])).content.decode()
    assert 'id="prefill-voucher_income">平台记录：2,000.00元；差额：+418,000.00元</div>' in html
    assert 'id="prefill-clients_in_guangxi">平台记录：1；差额：+17</div>' in html


def test_the_edit_page_tells_the_base_which_figures_were_prefilled(client, w, delivered):
    rnd = w.open_round(year=2025, reference_date=REF)
    report = _report(rnd, w.bases[0])
    client.force_login(w.base_user(report.base))
    response = client.get(reverse("evaluations:report_edit", args=[report.pk]))
    html = response.content.decode()
    assert 'id="prefill-hint"' in html and html.count("平台预填</span>") == 4
    form = response.context["form"]
    assert (form["voucher_income"].value(), form["clients_outside_guangxi"].value()) == ("3500.00", 1)
