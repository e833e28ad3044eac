"""The round's pages: list, a new round copied from last year's, the round page (settings, rows, bands, bases,
phases) and who may open them (404 for other roles, 403 for the agency's writes)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import EvaluationRound, RoundState

from .round_world import world

pytestmark = pytest.mark.django_db

REF = date(2025, 12, 31)


@pytest.fixture
def w():
    return world(certified=[date(2023, 5, 1), date(2025, 10, 1)])


def _signed_in(client, user):
    client.force_login(user)
    return client


def test_round_list_shows_rounds_and_the_empty_state(client, w):
    html = _signed_in(client, w.staff).get(reverse("evaluations:round_list")).content.decode()
    assert 'id="no-rounds"' in html
    rnd = w.round(reference_date=REF)
    html = client.get(reverse("evaluations:round_list")).content.decode()
    assert rnd.title in html and reverse("evaluations:round_detail", args=[rnd.pk]) in html


def test_new_round_form_starts_from_last_years_round(client, w):
    last = w.round(year=2025, reference_date=REF, grace_days=8)
    response = _signed_in(client, w.staff).get(reverse("evaluations:round_create"))
    form = response.context["form"]
    assert (form.initial["year"], form.initial["reference_date"], form.initial["grace_days"]) == (
        2026,
        date(2026, 12, 31),
        8,
    )
    assert response.context["source"] == last


def test_create_round_by_post_then_duplicate_year_keeps_the_input(client, w):
    data = {
        "year": 2025,
        "title": "2025年度考核",
        "reference_date": REF.isoformat(),
        "report_deadline": (REF + timedelta(days=60)).isoformat(),
        "grace_days": 5,
        "reminder_days": "7,1",
        "agency": w.agency.organization_id,
        "authority_confirms": "on",
        "scoring_mode": "experts",
        "panel_size": 5,
        "panel_rule": "trimmed",
        "late_fails": "on",
        "late_reason": "未按时提交",
        "note": "",
        "notice_working_days": 7,
        "notice_contact": "成果转化与区域创新处，电话 0771-1234567",
    }
    response = _signed_in(client, w.staff).post(reverse("evaluations:round_create"), data)
    rnd = EvaluationRound.objects.get(year=2025)
    assert response.status_code == 302 and response["Location"] == reverse(
        "evaluations:round_detail", args=[rnd.pk]
    )
    assert (rnd.reference_date, rnd.grace_days, rnd.agency) == (REF, 5, w.agency.organization)
    assert (rnd.notice_working_days, rnd.notice_contact) == (7, "成果转化与区域创新处，电话 0771-1234567")
    assert rnd.round_bases.filter(included=True).count() == 1
    response = client.post(reverse("evaluations:round_create"), {**data, "title": "重复的年度"})
    assert response.status_code == 200
    assert "2025年度的考核已存在。" in response.content.decode()
    assert response.context["form"]["title"].value() == "重复的年度"


def test_round_page_for_staff_shows_what_open_needs(client, w):
    rnd = w.round(reference_date=REF, agency=None)
    html = (
        _signed_in(client, w.staff).get(reverse("evaluations:round_detail", args=[rnd.pk])).content.decode()
    )
    assert 'id="open-blocked"' in html and "请先指定受委托的第三方机构。" in html
    assert 'id="indicator-form"' in html and 'id="include-form"' in html


def test_indicator_rows_with_wrong_weights_are_refused_on_the_page(client, w):
    rnd = w.round(reference_date=REF)
    data = {
        "ind-TOTAL_FORMS": 2,
        "ind-INITIAL_FORMS": 0,
        "ind-0-name": "服务绩效",
        "ind-0-weight": "60",
        "ind-0-max_score": "100",
        "ind-1-name": "运行管理",
        "ind-1-weight": "30",
        "ind-1-max_score": "100",
    }
    response = _signed_in(client, w.staff).post(reverse("evaluations:round_indicators", args=[rnd.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "计分指标的权重合计应为100，现为90。" in html
    assert 'value="运行管理"' in html  # nothing typed is lost
    assert rnd.indicators.count() == 6
    data["ind-1-weight"] = "40"
    assert client.post(reverse("evaluations:round_indicators", args=[rnd.pk]), data).status_code == 302
    assert [(i.name, i.weight) for i in rnd.indicators.all()] == [
        ("服务绩效", Decimal(60)),
        ("运行管理", Decimal(40)),
    ]


def test_include_needs_a_reason_on_the_page(client, w):
    rnd = w.round(reference_date=REF)
    young = w.bases[1]
    url = reverse("evaluations:round_base", args=[rnd.pk, "include"])
    response = _signed_in(client, w.staff).post(url, {"include-base": young.pk, "include-reason": ""})
    assert response.status_code == 200 and "请填写调整理由。" in response.content.decode()
    response = client.post(url, {"include-base": young.pk, "include-reason": "建设期满一年"})
    assert response.status_code == 302
    assert rnd.round_bases.get(base=young).included


def test_include_and_exclude_take_a_base_by_its_full_name(client, w):
    """The boxes take the base's full name as typed (no <select> of every base); a name that is not one the action
    may take says so by the field and keeps what was typed."""
    rnd = w.round(reference_date=REF)
    young, included = w.bases[1], rnd.round_bases.filter(included=True).first().base
    url = reverse("evaluations:round_base", args=[rnd.pk, "include"])
    _signed_in(client, w.staff)
    html = client.get(reverse("evaluations:round_detail", args=[rnd.pk])).content.decode()
    assert '<select name="include-base"' not in html and 'name="include-base"' in html
    assert f'data-org-search="{reverse("evaluations:round_base_search", args=[rnd.pk, "include"])}"' in html
    wrong = client.post(url, {"include-base": included.name, "include-reason": "补充"}).content.decode()
    assert "未找到该基地" in wrong and f'value="{included.name}"' in wrong  # already included: not addable
    assert client.post(url, {"include-base": young.name, "include-reason": "建设期满一年"}).status_code == 302
    assert rnd.round_bases.get(base=young).included
    out = reverse("evaluations:round_base", args=[rnd.pk, "exclude"])
    assert client.post(out, {"exclude-base": young.name, "exclude-reason": "已申请摘牌"}).status_code == 302
    assert not rnd.round_bases.get(base=young).included
    assert client.post(reverse("evaluations:round_base", args=[rnd.pk, "other"]), {}).status_code == 404


def test_the_base_boxes_suggest_the_bases_each_action_may_take(client, w):
    rnd = w.round(reference_date=REF)
    young, included = w.bases[1], rnd.round_bases.filter(included=True).first().base
    _signed_in(client, w.staff)

    def names(action, q):
        url = reverse("evaluations:round_base_search", args=[rnd.pk, action])
        return [r["value"] for r in client.get(url, {"q": q}).json()["results"]]

    assert young.name in names("include", young.name[:4]) and included.name not in names("include", included.name)
    assert included.name in names("exclude", included.name) and young.name not in names("exclude", young.name)
    assert names("include", young.name[:1]) == []  # two characters or more
    assert client.get(reverse("evaluations:round_base_search", args=[rnd.pk, "other"]), {"q": "基地"}).status_code == 404


def test_the_rounds_bases_are_shown_a_page_at_a_time(client, w, monkeypatch):
    from evaluations.views import rounds

    monkeypatch.setattr(rounds, "ENTRIES_PER_PAGE", 2)
    w.add_bases(3)
    rnd = w.round(reference_date=REF)
    assert rnd.round_bases.count() >= 4
    _signed_in(client, w.staff)
    url = reverse("evaluations:round_detail", args=[rnd.pk])
    first = client.get(url)
    entries = rnd.round_bases.order_by("-included", "base__batch", "base_id")
    assert [e.pk for e in first.context["entries"]] == [e.pk for e in entries[:2]]
    assert first.context["included"] == rnd.round_bases.filter(included=True).count()
    assert 'href="?page=2#bases-h"' in first.content.decode()
    last = client.get(url, {"page": first.context["entries"].paginator.num_pages})
    assert [e.pk for e in last.context["entries"]] == [e.pk for e in entries][-len(last.context["entries"]):]


def test_open_reports_through_the_actions_box(client, w):
    rnd = w.round(reference_date=REF)
    url = reverse("evaluations:round_detail", args=[rnd.pk])
    response = _signed_in(client, w.staff).post(
        url, {"transition": "open_reports", "expected_state": "draft"}
    )
    assert response.status_code == 302
    rnd = EvaluationRound.objects.get(pk=rnd.pk)
    assert rnd.state == RoundState.REPORTS_OPEN and rnd.reports.count() == 1
    html = client.get(url).content.decode()
    assert 'id="report-progress"' in html and 'id="settings-form"' in html


@pytest.mark.parametrize(
    ("who", "list_status", "detail_status", "post_status"),
    [
        ("staff", 200, 200, 302),
        ("agency", 200, 200, 403),
        ("other_agency", 200, 404, 404),
        ("authority", 200, 404, 404),
        ("base", 404, 404, 404),
    ],
)
def test_round_pages_by_role(client, w, who, list_status, detail_status, post_status):
    from tests import factories as f

    rnd = w.round(reference_date=REF)
    user = {
        "staff": w.staff,
        "agency": w.agency,
        "other_agency": f.AgencyUserFactory(),
        "authority": w.authority_user(w.bases[0]),
        "base": w.base_user(w.bases[0]),
    }[who]
    _signed_in(client, user)
    assert client.get(reverse("evaluations:round_list")).status_code == list_status
    url = reverse("evaluations:round_detail", args=[rnd.pk])
    assert client.get(url).status_code == detail_status
    assert (
        client.post(url, {"transition": "open_reports", "expected_state": "draft"}).status_code == post_status
    )


def test_other_agency_does_not_see_the_round_in_its_list(client, w):
    from tests import factories as f

    rnd = w.round(reference_date=REF)
    html = _signed_in(client, f.AgencyUserFactory()).get(reverse("evaluations:round_list")).content.decode()
    assert rnd.title not in html


def test_the_list_words_the_report_deadline_as_every_page_does(client, w):
    rnd = w.round(reference_date=REF, deadline_in=3)
    _signed_in(client, w.staff).post(reverse("evaluations:round_detail", args=[rnd.pk]),
                                     {"transition": "open_reports", "expected_state": "draft"})
    html = client.get(reverse("evaluations:round_list")).content.decode()
    assert "还剩 3 天" in html and "还有" not in html
    EvaluationRound.objects.filter(pk=rnd.pk).update(report_deadline=timezone.localdate())
    assert "今天截止" in client.get(reverse("evaluations:round_list")).content.decode()


def test_the_report_progress_accounts_for_every_report(client, w):
    from evaluations.models import AnnualReport, ReportState

    w.add_bases(4)
    rnd = w.round(reference_date=REF)
    url = reverse("evaluations:round_detail", args=[rnd.pk])
    _signed_in(client, w.staff).post(url, {"transition": "open_reports", "expected_state": "draft"})
    reports = list(AnnualReport.objects.filter(round=rnd).order_by("pk"))
    assert len(reports) == 5
    for report, state in zip(reports, [ReportState.SUBMITTED, ReportState.CONFIRMED, ReportState.ACCEPTED,
                                       ReportState.LATE], strict=False):
        AnnualReport.objects.filter(pk=report.pk).update(state=state)
    html = client.get(url).content.decode()
    assert "年度报告 5 份：尚未提交 1 份，已受理 1 份，已提交待确认或受理 2 份，逾期未交 1 份。" in html
