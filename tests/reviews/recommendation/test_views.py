"""Pages: who sees what (404 / 403 matrix), the decision form, lists with fixed query counts, exports."""

from io import BytesIO

import pytest
from django.urls import reverse

from reviews.models import FormalCheck, RecommendationBatch, RecommendationState
from reviews.services import recommendation as svc

from .conftest import letter_pdf, rec_of

pytestmark = pytest.mark.django_db


def urls_for(rec, batch, check=None):
    out = {
        "review": reverse("reviews:rec_review", args=[rec.pk]),
        "batch": reverse("reviews:rec_batch", args=[batch.pk]),
        "letter": reverse("reviews:rec_batch_letter", args=[batch.pk]),
        "xlsx": reverse("reviews:rec_batch_summary", args=[batch.pk, "xlsx"]),
        "pdf": reverse("reviews:rec_batch_summary", args=[batch.pk, "pdf"]),
    }
    if check is not None:
        out["check"] = reverse("reviews:fc_check", args=[check.pk])
    return out


@pytest.fixture
def sent(forwarded):
    batch = RecommendationBatch.objects.get(pk=forwarded.batch_id)
    return forwarded, batch, FormalCheck.objects.get(application=forwarded.application)


PAGES = ["review", "batch", "letter", "xlsx", "pdf", "check"]


@pytest.mark.parametrize("who", ["other_authority", "applicant", "other_applicant", "expert", "agency"])
@pytest.mark.parametrize("page", PAGES)
def test_record_pages_are_404_for_outsiders(sent, personas, client, who, page):
    rec, batch, check = sent
    client.force_login(personas[who])
    assert client.get(urls_for(rec, batch, check)[page]).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_record_pages_send_anonymous_to_login(sent, client, page):
    rec, batch, check = sent
    response = client.get(urls_for(rec, batch, check)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", ["review", "batch", "letter", "xlsx", "pdf"])
def test_authority_pages_open_for_the_own_authority(sent, authority_user, client, page):
    rec, batch, check = sent
    client.force_login(authority_user)
    assert client.get(urls_for(rec, batch)[page]).status_code == 200


def test_formal_check_page_is_404_for_the_authority(sent, authority_user, client):
    client.force_login(authority_user)
    assert client.get(reverse("reviews:fc_check", args=[sent[2].pk])).status_code == 404


@pytest.mark.parametrize("who", ["applicant", "expert", "department", "other_applicant"])
def test_authority_queue_is_404_for_other_roles(personas, client, who):
    client.force_login(personas[who])
    assert client.get(reverse("reviews:rec_queue")).status_code == 404


@pytest.mark.parametrize("who", ["authority", "applicant", "expert", "agency"])
def test_formal_check_queue_is_404_outside_the_department(personas, client, who):
    client.force_login(personas[who])
    assert client.get(reverse("reviews:fc_queue")).status_code == 404


def test_department_may_see_the_review_but_not_decide(rec, department_user, client):
    client.force_login(department_user)
    url = reverse("reviews:rec_review", args=[rec.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "recommend", "opinion": "x", "expected_state": "pending"})
    assert response.status_code == 403


def test_department_post_on_a_sent_batch_is_403(sent, department_user, client):
    client.force_login(department_user)
    response = client.post(reverse("reviews:rec_batch", args=[sent[1].pk]), {"transition": "submit", "expected_state": "submitted"})
    assert response.status_code == 403


def test_review_page_offers_only_the_allowed_actions(rec, authority_user, client):
    client.force_login(authority_user)
    html = client.get(reverse("reviews:rec_review", args=[rec.pk])).content.decode()
    assert 'value="recommend"' in html and 'value="return"' in html and 'value="decline"' in html
    assert 'value="reconsider"' not in html


def test_review_post_recommends(rec, authority_user, client):
    client.force_login(authority_user)
    url = reverse("reviews:rec_review", args=[rec.pk])
    response = client.post(url, {"action": "recommend", "opinion": "条件具备", "expected_state": "pending"})
    assert response.status_code == 302
    assert rec_of(rec.application).state == RecommendationState.RECOMMENDED


def test_review_post_stale_shows_someone_was_faster(rec, authority_user, client):
    svc.recommendation_decline(recommendation=rec, actor=authority_user, reason="不符合")
    svc_state = rec_of(rec.application).state
    client.force_login(authority_user)
    url = reverse("reviews:rec_review", args=[rec.pk])
    # The page offered "recommend" when it was pending; now no action is allowed: 403.
    response = client.post(url, {"action": "recommend", "opinion": "x", "expected_state": "pending"})
    assert (svc_state, response.status_code) == (RecommendationState.DECLINED, 403)


def test_review_page_shows_what_changed_after_resubmission(rec, authority_user, applicant, client):
    from applications.services import application_submit

    svc.recommendation_return(recommendation=rec, actor=authority_user, opinion="请补充")
    app = rec.application
    type(app).objects.filter(pk=app.pk).update(targets="三年服务企业80家。")
    app.refresh_from_db()
    application_submit(application=app, actor=applicant)
    client.force_login(authority_user)
    html = client.get(reverse("reviews:rec_review", args=[rec.pk])).content.decode()
    assert 'id="what-changed"' in html
    assert "三年服务企业80家。" in html


def test_batch_page_letter_upload_and_submit(recommended, authority_user, client, department_user):
    client.force_login(authority_user)
    url = reverse("reviews:rec_batch", args=[recommended.batch_id])
    assert client.post(url, {"action": "letter", "letter": letter_pdf()}).status_code == 302
    assert client.post(url, {"transition": "submit", "expected_state": "draft"}).status_code == 302
    assert rec_of(recommended.application).state == RecommendationState.FORWARDED


def test_batch_page_up_button_moves_a_row(submitted, authority_user, client):
    recs = [submitted() for _ in range(2)]
    for r in recs:
        svc.recommendation_recommend(recommendation=r, actor=authority_user, opinion="同意")
    client.force_login(authority_user)
    url = reverse("reviews:rec_batch", args=[rec_of(recs[0].application).batch_id])
    client.post(url, {"action": "up", "rec": recs[1].pk})
    assert [rec_of(r.application).priority for r in recs] == [2, 1]
    client.post(url, {"action": "priority", f"p{recs[0].pk}": 1, f"p{recs[1].pk}": 2})
    assert [rec_of(r.application).priority for r in recs] == [1, 2]


def test_formal_check_page_post_returns(sent, department_user, client):
    rec, batch, check = sent
    client.force_login(department_user)
    items = list(rec.application.call.check_items.all())
    data = {"action": "return", "opinion": "请补正", "expected_state": "pending"}
    for i, item in enumerate(items):
        data[f"ok_{item.pk}"] = "0" if i == 0 else "1"
        data[f"note_{item.pk}"] = "缺少附件" if i == 0 else ""
    response = client.post(reverse("reviews:fc_check", args=[check.pk]), data)
    assert response.status_code == 302
    assert rec_of(rec.application).state == RecommendationState.RETURNED


# ---- query counts: 1 row and 3 rows cost the same -------------------------------------------------
def _queue_rows(submitted, n):
    return [submitted() for _ in range(n)]


@pytest.mark.parametrize("n", [1, 3])
def test_queue_query_count(submitted, authority_user, client, django_assert_num_queries, n):
    _queue_rows(submitted, n)
    client.force_login(authority_user)
    client.get(reverse("reviews:rec_queue"))  # warm caches (content types, sessions)
    with django_assert_num_queries(6):  # … and the open batches waiting to be sent (the total: the tab's count)
        response = client.get(reverse("reviews:rec_queue"))
    assert response.content.decode().count('data-rec="') == n


@pytest.mark.parametrize("n", [1, 3])
def test_batch_page_query_count(submitted, authority_user, client, django_assert_num_queries, n):
    recs = _queue_rows(submitted, n)
    for r in recs:
        svc.recommendation_recommend(recommendation=r, actor=authority_user, opinion="同意")
    client.force_login(authority_user)
    url = reverse("reviews:rec_batch", args=[rec_of(recs[0].application).batch_id])
    client.get(url)
    with django_assert_num_queries(5):  # … and the submit's conditions (why it cannot be sent yet)
        response = client.get(url)
    assert response.content.decode().count('data-rec="') == n


@pytest.mark.parametrize("n", [1, 3])
def test_batch_list_query_count(submitted, authority_user, client, django_assert_num_queries, n):
    recs = _queue_rows(submitted, n)
    for r in recs:
        svc.recommendation_recommend(recommendation=r, actor=authority_user, opinion="同意")
    client.force_login(authority_user)
    client.get(reverse("reviews:rec_batches"))
    with django_assert_num_queries(3):
        response = client.get(reverse("reviews:rec_batches"))
    assert response.content.decode().count(f">{n}</td>") == 1


@pytest.mark.parametrize("n", [1, 3])
def test_formal_check_queue_query_count(submitted, authority_user, department_user, client,
                                        django_assert_num_queries, n):
    recs = _queue_rows(submitted, n)
    for r in recs:
        svc.recommendation_recommend(recommendation=r, actor=authority_user, opinion="同意")
    batch = RecommendationBatch.objects.get()
    svc.batch_attach_letter(batch=batch, actor=authority_user, upload=letter_pdf())
    svc.batch_submit(batch=batch, actor=authority_user)
    client.force_login(department_user)
    client.get(reverse("reviews:fc_queue"))
    with django_assert_num_queries(5):  # the total is the tab's count: no COUNT of its own
        response = client.get(reverse("reviews:fc_queue"))
    assert response.content.decode().count('data-check="') == n


# ---- exports ---------------------------------------------------------------------------------------
def _sheet(response):
    from openpyxl import load_workbook

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return [[c.value for c in row] for row in load_workbook(BytesIO(response.content)).active.iter_rows()]


@pytest.mark.parametrize("n", [1, 3])
def test_authority_queue_export_is_the_filtered_queue(submitted, authority_user, client,
                                                      django_assert_num_queries, n):
    from datetime import datetime

    recs = _queue_rows(submitted, n)
    svc.recommendation_recommend(recommendation=recs[0], actor=authority_user, opinion="同意推荐")
    client.force_login(authority_user)
    url = reverse("reviews:rec_queue_export")
    client.get(url)
    with django_assert_num_queries(3):  # session, user, the rows: nothing per row
        rows = _sheet(client.get(url))
    assert rows[0][:3] == ["受理编号", "基地名称", "申报单位"]
    assert len(rows) == 1 + n
    assert isinstance(rows[1][5], datetime)  # 提交时间 is a real date cell
    only = _sheet(client.get(url, {"state": "recommended"}))
    assert [(r[0], r[6], r[7], r[8]) for r in only[1:]] == [
        (rec_of(recs[0].application).application.acceptance_no, "拟推荐", 1, "同意推荐")]
    assert "导出 Excel" in client.get(reverse("reviews:rec_queue"), {"state": "recommended"}).content.decode()


def test_queue_exports_are_404_outside_their_roles(personas, client):
    for who in ("applicant", "expert", "department", "agency"):
        client.force_login(personas[who])
        assert client.get(reverse("reviews:rec_queue_export")).status_code == 404
    for who in ("authority", "applicant", "expert", "agency"):
        client.force_login(personas[who])
        assert client.get(reverse("reviews:fc_queue_export")).status_code == 404


def test_formal_check_export_lists_what_the_department_checks(sent, department_user, client):
    client.force_login(department_user)
    rows = _sheet(client.get(reverse("reviews:fc_queue_export")))
    assert rows[0][:5] == ["受理编号", "基地名称", "申报单位", "推荐单位", "推荐排序"]
    assert {r[3] for r in rows[1:]} == {"南宁市科学技术局"}
    assert sorted(r[4] for r in rows[1:]) == list(range(1, len(rows)))


@pytest.fixture
def ranked(submitted, authority_user, applicant):
    from tests import factories as f

    units = ["广西甲乙新材料有限公司", "广西丙丁生物医药研究院", "广西戊己装备制造有限公司"]
    recs = []
    for name in units:
        user = f.ApplicantUserFactory(organization__authority=authority_user.organization, organization__name=name)
        from .conftest import submit_new

        recs.append(rec_of(submit_new(user=user, call=submitted().application.call, name=f"{name[2:6]}中试基地")))
    for r in recs:
        svc.recommendation_recommend(recommendation=r, actor=authority_user, opinion=f"{r.application.applicant}意见")
    batch = RecommendationBatch.objects.get(pk=rec_of(recs[0].application).batch_id)
    svc.batch_set_priority(batch=batch, actor=authority_user,
                           ordered_recommendation_ids=[recs[2].pk, recs[0].pk, recs[1].pk])
    return batch, [units[2], units[0], units[1]]


def test_summary_excel_rows_in_priority_order(ranked, authority_user, client):
    from openpyxl import load_workbook

    batch, expected = ranked
    client.force_login(authority_user)
    response = client.get(reverse("reviews:rec_batch_summary", args=[batch.pk, "xlsx"]))
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert list(rows[0]) == ["序号", "受理编号", "基地名称", "申报单位", "产业领域", "初审意见"]
    assert [r[3] for r in rows[1:]] == expected
    assert [r[0] for r in rows[1:]] == [1, 2, 3]


def test_summary_pdf_contains_the_unit_names(ranked, authority_user, client):
    from pypdf import PdfReader

    batch, expected = ranked
    client.force_login(authority_user)
    response = client.get(reverse("reviews:rec_batch_summary", args=[batch.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    text = text.replace(" ", "").replace("\n", "")
    for name in expected:
        assert name in text
    assert "推荐汇总表" in text


def test_dashboard_shows_pending_reviews_and_formal_checks(sent, submitted, authority_user, department_user, client):
    submitted()
    client.force_login(authority_user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "待初审的申报" in html
    client.force_login(department_user)
    assert "待形式审查" in client.get(reverse("dashboard")).content.decode()


def test_application_page_shows_the_authority_opinion_to_the_applicant(rec, authority_user, applicant, client):
    svc.recommendation_return(recommendation=rec, actor=authority_user, opinion="请补充中试合同清单")
    client.force_login(applicant)
    html = client.get(reverse("applications:detail", args=[rec.application_id])).content.decode()
    assert 'id="authority-opinion"' in html
    assert "请补充中试合同清单" in html


# ---- the queues' call filters ----------------------------------------------------------------------
def test_the_call_filters_offer_the_calls_that_have_rows(forwarded, authority_user, department_user, client):
    """The authority's filter: the calls its applicants applied to; the formal-check queue's: the calls a check
    belongs to. A call without rows, another authority's call or a call with no check yet is not offered."""
    from tests import factories as f

    other_call, idle_call = f.CallFactory(), f.CallFactory()
    f.ApplicationFactory(call=other_call)  # another authority's applicant, no check
    f.ApplicationFactory(call=idle_call, applicant=forwarded.application.applicant)  # a draft, no check
    client.force_login(authority_user)
    offered = set(client.get(reverse("reviews:rec_queue")).context["calls"])
    assert offered == {forwarded.application.call, idle_call}
    client.force_login(department_user)
    assert list(client.get(reverse("reviews:fc_queue")).context["calls"]) == [forwarded.application.call]
