"""基地名录 and the base's page (我的基地): who sees which base, filters, search, counts, the Excel export of
what is filtered, and the page's certification, certificate, plaque, results, registry panels and timeline."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse

from pilotbase import registry
from pilotbase.models import Base
from tests import factories as f

from .bases_world import L_NAME, N_NAME, world_fixture  # noqa: F401  (the module's `world`)

pytestmark = pytest.mark.django_db

LIST, EXPORT, MINE = "evaluations:base_list", "evaluations:base_export", "evaluations:base_mine"


@pytest.fixture
def bases(world):
    return world


@pytest.fixture
def personas(world):
    return world.users


@pytest.fixture(autouse=True)
def _private_media():
    """The world's files stay where it stored them (replaces conftest's per-test folder)."""


def _listed(client, **params) -> list[str]:
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return [b.name for b in response.context["page"]]


def _detail(b: Base) -> str:
    return reverse("evaluations:base_detail", args=[b.pk])


# ---- who sees which base --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("department", {"p", "n", "l"}),
        ("admin", {"p", "n", "l"}),
        ("authority", {"p", "n"}),  # 南宁市科学技术局: its applicants' bases, imported or not
        ("other_authority", {"l"}),
        ("applicant", {"p"}),
        ("partner", {"p"}),
        ("other_applicant", {"l"}),
        ("d_user", {"n"}),
    ],
)
def test_list_is_scoped_to_the_user(client, personas, bases, who, expected):
    user = personas[who]
    client.force_login(user)
    assert set(_listed(client)) == {getattr(bases, k).name for k in expected}


@pytest.mark.parametrize("who", ["expert", "agency"])
def test_list_export_and_dashboard_are_404_for_experts_and_agencies(client, personas, bases, who):
    client.force_login(personas[who])
    for name in (LIST, EXPORT, "evaluations:dashboard"):
        assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("applicant", {"p"}),
        ("partner", {"p"}),
        ("other_applicant", {"l"}),
        ("d_user", {"n"}),
        ("authority", {"p", "n"}),
        ("other_authority", {"l"}),
        ("department", {"p", "n", "l"}),
        ("expert", set()),
        ("agency", set()),
    ],
)
def test_base_page_is_404_for_whoever_may_not_see_the_base(client, personas, bases, who, visible):
    client.force_login(personas[who])
    for key in ("p", "n", "l"):
        expected = 200 if key in visible else 404
        assert client.get(_detail(getattr(bases, key))).status_code == expected, key


def test_anonymous_is_sent_to_log_in(client, bases):
    response = client.get(_detail(bases.p))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# ---- filters, search, counts ----------------------------------------------------------------------------
def test_filters_narrow_the_list(client, personas, bases):
    client.force_login(personas["department"])
    assert _listed(client, city=f.city("liuzhou").pk) == [L_NAME]
    assert _listed(client, industry=f.industry("new-energy").pk) == [N_NAME]
    assert set(_listed(client, batch=1)) == {N_NAME, L_NAME, bases.p.name} - (
        {bases.p.name} if bases.p.batch != 1 else set()
    )
    assert set(_listed(client, platform_type=f.platform_type().pk)) == {bases.p.name, N_NAME, L_NAME}
    assert _listed(client, state="rectifying") == []
    assert len(_listed(client, state="active")) == 3


def test_search_by_name_lead_or_partner_unit_or_certificate_number(client, personas, bases):
    client.force_login(personas["department"])
    assert _listed(client, q="生物医药导入") == [L_NAME]
    assert _listed(client, q="广西共建伙伴") == [bases.p.name]  # the partner unit
    assert _listed(client, q=bases.p.lead_unit.name) == [bases.p.name]
    assert _listed(client, q="第01号") == [N_NAME]


def test_sorting(client, personas, bases):
    client.force_login(personas["department"])
    assert _listed(client, sort="-certified")[-2:] == [L_NAME, N_NAME]  # both 2021, the older id last
    assert _listed(client, sort="city")[-1] == L_NAME  # 柳州市 after 南宁市
    assert _listed(client, sort="name") == list(
        Base.objects.order_by("name", "id").values_list("name", flat=True)
    )


def test_a_bad_filter_value_drops_only_itself(client, personas, bases):
    client.force_login(personas["department"])
    assert _listed(client, city="zzz", industry=f.industry("biomedicine").pk) == [L_NAME]


def test_counts_and_empty_text(client, personas, bases):
    client.force_login(personas["department"])
    html = client.get(reverse(LIST)).content.decode()
    assert "共 3 个基地" in html and 'data-state="active">运行中 3' in html
    html = client.get(reverse(LIST), {"q": "不存在的基地"}).content.decode()
    assert "共 0 个基地" in html and "没有符合条件的基地" in html


def test_list_shows_the_latest_result(client, personas, bases):
    client.force_login(personas["department"])
    html = client.get(reverse(LIST)).content.decode()
    assert "2023：良好" in html and "2022：合格" in html


def test_applicant_without_a_base_is_told_what_comes(client, personas, bases):
    client.force_login(personas["no_base"])
    html = client.get(reverse(LIST)).content.decode()
    assert "您的单位还没有认定的中试基地" in html


# ---- the export -------------------------------------------------------------------------------------------
def _sheet(response):
    from openpyxl import load_workbook

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return [list(r) for r in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)]


def test_export_is_exactly_what_is_filtered(client, personas, bases):
    client.force_login(personas["department"])
    rows = _sheet(client.get(reverse(EXPORT), {"city": f.city("nanning").pk}))
    header = rows[1]
    assert header[:3] == ["基地名称", "牵头单位", "统一社会信用代码"]
    data = {r[0]: dict(zip(header, r, strict=True)) for r in rows[2:]}
    assert set(data) == {bases.p.name, N_NAME}
    assert data[N_NAME]["证书编号"] == "桂科中试〔2021〕第01号"
    assert (data[N_NAME]["最近考核年度"], data[N_NAME]["最近考核等次"]) == (2023, "良好")
    assert data[bases.p.name]["共建单位"] == "广西共建伙伴材料有限公司"
    assert data[N_NAME]["认定日期"].date().isoformat() == "2021-12-20"  # a real date cell


def test_export_is_scoped_like_the_list(client, personas, bases):
    client.force_login(personas["other_authority"])
    assert [r[0] for r in _sheet(client.get(reverse(EXPORT)))[2:]] == [L_NAME]


# ---- 我的基地 ----------------------------------------------------------------------------------------------
def test_my_base_opens_the_units_one_base(client, personas, bases):
    client.force_login(personas["applicant"])
    assert client.get(reverse(MINE))["Location"] == _detail(bases.p)
    client.force_login(personas["no_base"])
    assert client.get(reverse(MINE))["Location"] == reverse(LIST)


def test_nav_offers_my_base_to_applicants_and_the_list_to_staff_and_authorities(client, personas, bases):
    client.force_login(personas["applicant"])
    html = client.get(reverse(LIST)).content.decode()
    assert f'href="{reverse(MINE)}"' in html and "我的基地" in html
    for who in ("department", "authority"):
        client.force_login(personas[who])
        html = client.get(reverse("dashboard")).content.decode()
        assert f'href="{reverse(LIST)}"' in html and f'href="{reverse("evaluations:dashboard")}"' in html


# ---- the base's page --------------------------------------------------------------------------------------
def test_page_of_a_portal_base(client, personas, bases):
    client.force_login(personas["applicant"])
    html = client.get(_detail(bases.p)).content.decode()
    certificate = bases.p.certificate
    assert certificate.number in html
    assert reverse("public:verify", args=[certificate.token]) in html
    assert reverse("reviews:cert_download", args=[certificate.pk]) in html  # the PDF was rendered
    app = bases.p.application
    assert reverse("applications:detail", args=[app.pk]) in html
    assert "广西共建伙伴材料有限公司" in html and "李工" in html  # partner and plaque
    assert "暂无考核结果" in html
    timeline = html[html.index('id="timeline"') :]
    assert "登记标牌颁发" in timeline and "认定" in timeline and "提交" in timeline  # across the whole path
    assert timeline.index("提交") < timeline.index("登记标牌颁发")  # oldest first


def test_page_of_an_imported_base_shows_every_years_result(client, personas, bases):
    client.force_login(personas["authority"])
    response = client.get(_detail(bases.n))
    html = response.content.decode()
    assert [(r.year, r.get_grade_display()) for r in response.context["results"]] == [
        (2022, "优秀"),
        (2023, "良好"),
    ]
    assert 'data-grade="excellent">优秀</td><td>导入（平台上线前）' in html
    assert "平台上线前认定（导入）" in html and "纸质证书，无电子版" in html
    assert "导入既有基地" in html[html.index('id="timeline"') :]


def test_staff_may_record_the_plaque_from_the_page_others_not(client, personas, bases):
    plaque = reverse("reviews:cert_plaque", args=[bases.n.pk])
    client.force_login(personas["department"])
    assert plaque in client.get(_detail(bases.n)).content.decode()
    client.force_login(personas["authority"])
    assert plaque not in client.get(_detail(bases.n)).content.decode()


def test_page_renders_the_panels_later_stages_register_for_base(
    client, personas, bases, monkeypatch, settings, tmp_path
):
    """H1/H2's stages add their panels through the registry keyed by Base; the page renders what they return."""
    (tmp_path / "evaluations").mkdir()
    (tmp_path / "evaluations" / "tests_panel.html").write_text(
        '<section id="test-panel">{{ panel.note }}</section>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    seen = []

    def panel(request, base):
        seen.append(base.pk)
        return (
            ("evaluations/tests_panel.html", {"note": "整改要求：补齐安全制度"})
            if base.pk == bases.n.pk
            else None
        )

    monkeypatch.setitem(registry._detail_panels, Base, [panel])
    client.force_login(personas["department"])
    assert "整改要求：补齐安全制度" in client.get(_detail(bases.n)).content.decode()
    assert "整改要求" not in client.get(_detail(bases.l)).content.decode()
    assert seen == [bases.n.pk, bases.l.pk]


def test_page_counts_the_unread_notifications_once(client, personas, bases):
    """Each stage's panel is rendered with the request, so the bell's context processor runs once per panel: the
    unread count is read once a request and reused (it was one query per panel)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas["department"])
    client.get(_detail(bases.n))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(_detail(bases.n)).status_code == 200
    unread = [q["sql"] for q in ctx.captured_queries if "pilotbase_notification" in q["sql"]]
    assert len(unread) == 1, unread


# the tables of the later stages' panels (each panel's rows)
PANEL_TABLES = ("subsidies_ledgerentry", "subsidies_recovery", "subsidies_rewardline", "sharing_serviceoffering",
                "evaluations_rectification", "evaluations_revocation", "evaluations_annualreport",
                "subsidies_constructiongrant", "subsidies_constructioncheck", "evaluations_priorsupport")


@pytest.mark.parametrize("who", ["department", "applicant"])
def test_page_reads_the_panels_facts_and_the_application_with_the_base(client, personas, bases, who):
    """Whether the base has ledger rows, recoveries, reward lines, entries, rectifications, a revocation, reports,
    a construction check, grant or prior support, and its application, are read in the base's own query: a base
    without later records costs no query per panel, and staff still see the panels' empty states."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas[who])
    client.get(_detail(bases.p))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_detail(bases.p))
    assert response.status_code == 200
    touching = [q["sql"] for q in ctx.captured_queries if any(f'"{t}"' in q["sql"] for t in PANEL_TABLES)]
    assert len(touching) == 1, touching
    assert touching[0].lstrip().startswith('SELECT "pilotbase_base"."id"')
    # the application with the base too (what remains of it is whether the viewer may open it: an EXISTS)
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('SELECT "applications_application"."id"')]
    assert response.context["application"].base_id == bases.p.pk


def test_known_none_only_for_a_fact_read_false():
    base = Base(name="x")
    assert not registry.known_none(base, "ledger_has_rows")  # read without its facts: the panel reads its rows
    base.ledger_has_rows = True
    assert not registry.known_none(base, "ledger_has_rows")
    base.ledger_has_rows = False
    assert registry.known_none(base, "ledger_has_rows")
