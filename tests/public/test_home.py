"""The public front door (/): open calls, notices, the directory and sign-in for anonymous visitors."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.clock import local_noon

pytestmark = pytest.mark.django_db


def test_home_for_a_visitor_shows_the_portal_not_the_login_form(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>首页 · 广西科技成果转化中试研究基地管理平台</title>" in html
    assert "广西壮族自治区科学技术厅" in html
    assert f'href="{reverse("login")}"' in html
    assert f'href="{reverse("public:base_list")}"' in html
    assert 'name="password"' not in html


def test_home_for_a_signed_in_user_goes_to_the_dashboard(login, applicant):
    response = login(applicant).get("/")
    assert (response.status_code, response["Location"]) == (302, reverse("dashboard"))


def test_home_lists_an_open_call_with_guide_excerpt_days_left_and_attachments(client, publish):
    call = publish(title="2026年度中试基地申报", guide="一、申报条件。" + "详" * 300,
                   closes_at=local_noon(12))
    html = client.get("/").content.decode()
    assert f'href="{reverse("public:call_detail", args=[call.pk])}"' in html
    assert "2026年度中试基地申报" in html
    assert "一、申报条件。" in html and "详" * 300 not in html  # an excerpt, not the whole guide
    assert "还剩 12 天" in html
    assert "可行性研究报告、营业执照（副本）扫描件、联合共建协议" in html


def test_home_leaves_out_drafts_and_closed_calls(client, publish, department_user):
    from applications.services import call_close

    draft = f.CallFactory(published=False, title="尚未发布的草稿批次")
    ended = call_close(call=publish(title="已结束的批次"), actor=department_user)
    html = client.get("/").content.decode()
    assert (draft.title in html, ended.title in html) == (False, False)
    assert "目前没有开放的申报批次" in html


def test_home_shows_a_call_opening_later(client, publish):
    publish(title="下月开放的批次", opens_at=local_noon(5),
            closes_at=timezone.now() + timedelta(days=40), recommendation_deadline=timezone.now() + timedelta(days=50))
    html = client.get("/").content.decode()
    assert "下月开放的批次" in html and "5 天后开始受理" in html


@pytest.mark.parametrize("n", [1, 3])
def test_home_queries(client, publish, django_assert_num_queries, n):
    for _ in range(n):
        publish()
    with django_assert_num_queries(3):  # calls, their attachments, notices
        response = client.get("/")
    assert response.content.decode().count('class="card mb-3 public-call"') == n


# ---- the public page of a call -------------------------------------------------------------------------
def test_call_page_shows_guide_dates_types_industries_limit_and_notice_period(client, publish):
    call = publish(guide="申报单位应具备中试条件。", max_per_authority=3, notice_working_days=5)
    html = client.get(reverse("public:call_detail", args=[call.pk])).content.decode()
    assert f"<title>{call.title} · " in html
    assert "申报单位应具备中试条件。" in html
    assert "推荐截止时间" in html and "还剩" in html
    types = "、".join(str(t) for t in call.platform_types.all())
    industries = "、".join(str(i) for i in call.industries.all())
    assert f'<dd class="col-sm-8 col-lg-9" id="call-platform-types">{types}</dd>' in html
    assert f'<dd class="col-sm-8 col-lg-9" id="call-industries">{industries}</dd>' in html
    assert '<dd class="col-sm-8 col-lg-9" id="call-limit">3 项</dd>' in html
    assert '<dd class="col-sm-8 col-lg-9" id="call-notice-period">5 个工作日</dd>' in html


def test_call_page_of_a_draft_is_404(client):
    draft = f.CallFactory(published=False)
    assert client.get(reverse("public:call_detail", args=[draft.pk])).status_code == 404


def test_call_page_of_a_closed_call_says_it_ended(client, publish, department_user):
    from applications.services import call_close

    call = call_close(call=publish(), actor=department_user)
    html = client.get(reverse("public:call_detail", args=[call.pk])).content.decode()
    assert "已结束" in html and "登录申报" not in html


def test_call_page_without_limit_says_unlimited(client, publish):
    call = publish(max_per_authority=None)
    html = client.get(reverse("public:call_detail", args=[call.pk])).content.decode()
    assert '<dd class="col-sm-8 col-lg-9" id="call-limit">不限</dd>' in html


def test_call_page_queries(client, publish):
    """The call's lists (attachments asked for, platform types, industries): the same queries with 3 attachment
    rows as with 6."""
    from applications.models import RequiredAttachment
    from tests.queries import assert_constant

    call = publish()

    def add(k):
        start = call.required_attachments.count()
        for i in range(start, start + k):
            RequiredAttachment.objects.create(call=call, code=f"extra-{i}", name=f"补充材料{i}号", order=10 + i)

    assert_constant(client, reverse("public:call_detail", args=[call.pk]), add, "号（pdf")
