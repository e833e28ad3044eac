"""The public results of a published evaluation round: the published years, one year's table (grades, counts,
sorted by grade then name, totals only when the round publishes them, never an expert), its Excel table and its
PDF announcement (Chinese whatever the reader's language, cached per round and content). A round not yet
published does not exist for the public."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from io import BytesIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from evaluations import selectors_results as sel
from evaluations.models import EvaluationResult, ResultSource
from evaluations.services import round as round_svc
from evaluations.services import scoring as scoring_svc
from pilotbase.models import Base
from tests.evaluations.round_world import world
from tests.evaluations.scoring_world import publish, score, scoring_round

pytestmark = pytest.mark.django_db
CERTIFIED = date(2023, 5, 1)
URLS = ("public:evaluation_results", "public:evaluation_results_xlsx", "public:evaluation_announcement_pdf")


def published(w, values, *, year: int = 2025, to: str = "publish", **settings):
    """A round whose bases (by id) were scored `values`, grades confirmed, then taken to `to`."""
    rnd = scoring_round(w, year=year, **settings)
    for ev, value in zip(rnd.evaluations.order_by("base_id"), values, strict=True):
        score(w, ev, value)
    scoring_svc.round_grades_confirm(rnd=rnd, actor=w.staff)
    if to in ("open_notice", "publish", "close"):
        rnd = round_svc.round_advance(rnd=rnd, actor=w.staff, name="open_notice")
    if to in ("publish", "close"):
        rnd = publish(w, rnd)
    if to == "close":
        rnd = round_svc.round_advance(rnd=rnd, actor=w.staff, name="close")
    return rnd


def _rename(w) -> None:
    """Bases named so that the name order differs from the id order."""
    for base, name in zip(w.bases, ["广西丙", "广西乙", "广西甲", "广西丁"], strict=False):
        Base.objects.filter(pk=base.pk).update(name=f"{name}科技成果转化中试研究基地")


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "announcement.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.mark.parametrize("state", ["scoring", "open_notice"])
def test_a_round_not_yet_published_does_not_exist_for_the_public(client, state):
    w = world(certified=[CERTIFIED] * 2)
    rnd = published(w, ["85", "60"], to=state)
    for name in URLS:
        assert client.get(reverse(name, args=[rnd.year])).status_code == 404, name
    page = client.get(reverse("public:evaluation_list")).content.decode()
    assert rnd.title not in page and "暂无已公布的考核结果" in page
    assert client.get(reverse("public:evaluation_results", args=[1999])).status_code == 404


@pytest.mark.parametrize("to", ["publish", "close"])
def test_the_results_page_lists_grades_sorted_by_grade_then_name_without_scores(client, to):
    w = world(certified=[CERTIFIED] * 4)
    _rename(w)
    rnd = published(w, ["55", "85", "85", "30"], to=to)
    graded = {r.base_id: r.get_grade_display() for r in EvaluationResult.objects.filter(year=rnd.year)}
    assert all(r.source == ResultSource.EVALUATED for r in EvaluationResult.objects.all())

    listing = client.get(reverse("public:evaluation_list")).content.decode()
    assert reverse("public:evaluation_results", args=[rnd.year]) in listing and rnd.title in listing
    html = client.get(reverse("public:evaluation_results", args=[rnd.year])).content.decode()
    table = html[html.index('id="evaluation-results"') :]
    names = [b.name for b in Base.objects.order_by("id")]
    # 良好 before 整改 before 不合格; the two 良好 by name (甲 before 乙 in code-point order), whatever the ids
    expected = sorted(
        names,
        key=lambda n: (
            ["优秀", "良好", "合格", "整改", "不合格"].index(graded[Base.objects.get(name=n).pk]),
            n,
        ),
    )
    assert sorted(names, key=table.index) == expected
    assert expected[0].startswith("广西乙") or expected[0].startswith("广西甲")
    for base in Base.objects.select_related("lead_unit", "city"):
        assert base.lead_unit.name in table and base.city.name in table
    counts = html[html.index('id="grade-counts"') : html.index('id="evaluation-results"')]
    assert "共 4 个基地参评" in html and "良好</span> 2" in counts and "不合格</span> 1" in counts
    assert "优秀</span> 0" in counts
    assert "总分" not in html and "85.00" not in html and "30.00" not in html
    assert w.agency.organization.name not in html and w.agency.username not in html  # who scored: never


def test_scores_are_public_when_the_round_says_so(client):
    w = world(certified=[CERTIFIED] * 2)
    rnd = published(w, ["85", "30"], scores_public=True)
    html = client.get(reverse("public:evaluation_results", args=[rnd.year])).content.decode()
    assert "总分" in html and "85.00" in html and "30.00" in html
    book = _workbook(client.get(reverse("public:evaluation_results_xlsx", args=[rnd.year])))
    assert book[2][-1] == "总分" and [row[-1] for row in book[3:]] == [85.0, 30.0]


def _workbook(response) -> list[tuple]:
    from openpyxl import load_workbook

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_excel_table_is_the_page_s_table(client):
    w = world(certified=[CERTIFIED] * 3)
    rnd = published(w, ["85", "55", "30"])
    response = client.get(reverse("public:evaluation_results_xlsx", args=[rnd.year]))
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = _workbook(response)
    assert rows[0][0] == f"关于公布{rnd.year}年度广西中试研究基地绩效考核结果的通知"
    assert rows[1][0].startswith("共3个基地：")
    assert rows[2] == ("序号", "基地名称", "牵头单位", "所在设区市", "考核等次")
    page = sel.published_results(rnd)
    assert rows[3:] == [(r.no, r.base_name, r.lead_unit, r.city, str(r.grade_label)) for r in page.rows]
    assert [r[4] for r in rows[3:]] == ["良好", "整改", "不合格"]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils")
def test_the_announcement_is_chinese_for_an_english_reader_and_rendered_once(client, tmp_path):
    cache.clear()
    w = world(certified=[CERTIFIED] * 2)
    rnd = published(w, ["85", "30"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("public:evaluation_announcement_pdf", args=[rnd.year])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content, tmp_path)
    flat = "".join(text.split())
    assert f"关于公布{rnd.year}年度广西中试研究基地绩效考核结果的通知" in flat
    assert "广西壮族自治区科学技术厅" in flat and "良好1家" in flat and "不合格1家" in flat
    for base in w.bases:
        assert base.name in flat
    assert "Excellent" not in text and "Fail" not in text

    # the second request is served from the cache (the key: the round and what it prints) ...
    key = f"evaluation-announcement:{rnd.pk}:{sel.published_results(rnd).digest}"
    assert cache.get(key) == response.content
    cache.set(key, b"%PDF-cached")
    assert client.get(url).content == b"%PDF-cached"
    # ... until what it prints changes: a renamed base is a new key, rendered again
    Base.objects.filter(pk=w.bases[0].pk).update(name="广西更名后科技成果转化中试研究基地")
    fresh = client.get(url).content
    assert fresh.startswith(b"%PDF-1") and "广西更名后科技成果转化中试研究基地" in "".join(
        _pdf_text(fresh, tmp_path).split()
    )


def test_the_results_page_reads_in_english(client):
    w = world(certified=[CERTIFIED] * 2)
    rnd = published(w, ["85", "30"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("public:evaluation_results", args=[rnd.year])).content.decode()
    assert f"Results of the {rnd.year} performance evaluation of Guangxi pilot-scale research bases" in html
    assert "Good" in html and "Fail" in html and "Base name" in html
    listing = client.get(reverse("public:evaluation_list")).content.decode()
    assert "Evaluation results" in listing
    home = client.get(reverse("home")).content.decode()
    assert reverse("public:evaluation_list") in home


def test_staff_see_on_the_round_what_its_public_results_show(client):
    w = world(certified=[CERTIFIED])
    grades_only = published(w, ["85"], year=2025)
    with_scores = published(w, ["85"], year=2026, scores_public=True)
    client.force_login(w.staff)
    page = client.get(reverse("evaluations:round_detail", args=[grades_only.pk])).content.decode()
    assert "只公布等次" in page and "公布等次和总分" not in page
    page = client.get(reverse("evaluations:round_detail", args=[with_scores.pk])).content.decode()
    assert "公布等次和总分" in page
