from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Application, ApplicationState
from pilotbase.formats import cn_date
from pilotbase.models import Base
from pilotbase.workflow import WorkflowError, transition_run
from reviews.forms.certification import NoticeCreateForm, ObjectionForm, PlaqueForm
from reviews.models import NoticeEntryState, NoticeState, Objection, PublicNotice
from reviews.services import certification as svc
from tests import factories as f

from .conftest import objection

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["reviews:notice_list", "reviews:notice_create", "reviews:notice_objection_list", "reviews:cert_base_list"]


@pytest.mark.parametrize("page", STAFF_PAGES)
@pytest.mark.parametrize(("who", "status"), [
    ("department", 200), ("admin", 200), ("applicant", 404), ("authority", 404), ("agency", 404), ("expert", 404),
])
def test_staff_pages_role_matrix(client, personas, call, page, who, status):
    client.force_login(personas[who])
    assert client.get(reverse(page)).status_code == status


def test_staff_pages_anonymous_redirected_to_login(client, db):
    response = client.get(reverse("reviews:notice_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["applicant", "authority", "agency", "expert"])
def test_notice_detail_and_actions_hidden_from_non_staff(client, personas, published_notice, who):
    client.force_login(personas[who])
    for name in ("reviews:notice_detail", "reviews:notice_close", "reviews:cert_run"):
        method = client.get if name == "reviews:notice_detail" else client.post
        assert method(reverse(name, args=[published_notice.pk])).status_code == 404


def test_staff_builds_publishes_closes_and_certifies_through_the_pages(
        login, call, app_a, app_b, department_user, django_capture_on_commit_callbacks):
    client = login(department_user)
    page = client.get(reverse("reviews:notice_create") + f"?call={call.pk}").content.decode()
    assert page.index("广西新材料科技成果转化中试研究基地") < page.index("广西新能源商用车科技成果转化中试研究基地")
    response = client.post(reverse("reviews:notice_create"), {
        "call": call.pk, "applications": [app_b.pk, app_a.pk], "title": "拟认定名单公示", "body": "",
        "starts_on": "2026-11-02", "contact": "0771-1234567"})
    notice = PublicNotice.objects.get()
    assert response["Location"] == reverse("reviews:notice_detail", args=[notice.pk])
    assert list(notice.entries.values_list("application_id", flat=True)) == [app_a.pk, app_b.pk]  # ranked
    assert notice.ends_on == date(2026, 11, 9)
    client.post(reverse("reviews:notice_publish", args=[notice.pk]))
    assert PublicNotice.objects.get().state == NoticeState.PUBLISHED
    client.post(reverse("reviews:notice_close", args=[notice.pk]))
    notice = PublicNotice.objects.get(pk=notice.pk)
    if notice.state == NoticeState.PUBLISHED:  # the page refused: today is before 9 Nov 2026; close as of that day
        svc.notice_close(notice=notice, actor=department_user, today=notice.ends_on)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reviews:cert_run", args=[notice.pk]), {"certified_on": "2026-11-28"},
                               follow=True)
    assert "桂中试认〔2026〕第001号、桂中试认〔2026〕第002号" in response.content.decode()
    assert Application.objects.get(pk=app_a.pk).state == ApplicationState.CERTIFIED
    bases = client.get(reverse("reviews:cert_base_list")).content.decode()
    assert "下载PDF" in bases


def test_notice_create_form_errors_in_chinese(login, call, app_a, department_user):
    response = login(department_user).post(reverse("reviews:notice_create"),
                                           {"call": call.pk, "title": "", "starts_on": ""})
    html = response.content.decode()
    assert "请至少选择一个拟公示的申报。" in html
    assert "请填写公示标题。" in html


def test_close_before_end_shows_chinese_message(login, call, app_a, department_user):
    from django.utils import timezone

    from pilotbase.workdays import add_working_days

    today = timezone.localdate()
    notice = svc.notice_create(call=call, applications=[app_a], title="t", body="", starts_on=today,
                               actor=department_user)
    svc.notice_publish(notice=notice, actor=department_user)
    end = add_working_days(today, 5)
    notice.refresh_from_db()
    last = notice.last_day
    assert notice.ends_on == end
    response = login(department_user).post(reverse("reviews:notice_close", args=[notice.pk]), follow=True)
    assert (f"公示期至{last.year}年{last.month}月{last.day}日截止，{end.year}年{end.month}月{end.day}日起方可结束公示。"
            in response.content.decode())
    assert PublicNotice.objects.get(pk=notice.pk).state == NoticeState.PUBLISHED


def test_public_pages_need_no_login(client, published_notice):
    assert client.get(reverse("public:notice_list")).status_code == 200
    html = client.get(reverse("public:notice_detail", args=[published_notice.pk])).content.decode()
    assert "广西新材料科技成果转化中试研究基地" in html
    assert "在线提出异议" in html
    assert client.get(reverse("public:objection", args=[published_notice.pk])).status_code == 200
    assert client.get(reverse("public:base_list")).status_code == 200


def test_public_notice_draft_is_404(client, draft_notice):
    assert client.get(reverse("public:notice_detail", args=[draft_notice.pk])).status_code == 404
    assert client.get(reverse("public:objection", args=[draft_notice.pk])).status_code == 404


def test_dashboard_panels_for_department(login, published_notice, department_user):
    objection(published_notice.entries.first())
    html = login(department_user).get(reverse("dashboard")).content.decode()
    assert "公示中（按截止日期）" in html
    assert "待处理的异议" in html
    assert "待认定与证书生成" in html


# ---- query counts: 1 row and 3 rows cost the same -------------------------------------------------
def _bases(n: int) -> None:
    for i in range(n):
        org = f.ApplicantOrgFactory()
        Base.objects.create(name=f"广西测试{i}科技成果转化中试研究基地", lead_unit=org, city=f.city(),
                            industry=f.industry(), platform_type=f.platform_type(), batch=1,
                            certified_on=date(2025, 11, 28))


@pytest.mark.parametrize("n", [1, 3])
def test_public_base_list_queries(client, db, django_assert_num_queries, n):
    _bases(n)
    with django_assert_num_queries(4):  # count, page, batches, the services (cities and industries: pilotbase.refcache)
        response = client.get(reverse("public:base_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [1, 3])
def test_staff_base_list_queries(login, department_user, django_assert_num_queries, n):
    _bases(n)
    client = login(department_user)
    with django_assert_num_queries(5):
        response = client.get(reverse("reviews:cert_base_list"))
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [1, 3])
def test_public_notice_list_queries(client, make_passed, call, department_user, django_assert_num_queries, n):
    for i in range(n):
        app = make_passed(f.ApplicantOrgFactory(), f"广西列表{i}科技成果转化中试研究基地", "80")
        notice = svc.notice_create(call=call, applications=[app], title=f"公示{i}", body="",
                                   starts_on=date(2026, 11, 2), actor=department_user)
        svc.notice_publish(notice=notice, actor=department_user)
    with django_assert_num_queries(2):
        response = client.get(reverse("public:notice_list"))
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [1, 3])
def test_staff_objection_list_queries(login, published_notice, department_user, django_assert_num_queries, n):
    entry = published_notice.entries.first()
    for _ in range(n):
        objection(entry)
    client = login(department_user)
    with django_assert_num_queries(4):
        response = client.get(reverse("reviews:notice_objection_list"))
    assert len(response.context["page"].object_list) == n == Objection.objects.count()


@pytest.mark.parametrize("n", [1, 3])
def test_public_notice_detail_queries(client, make_passed, call, department_user, django_assert_num_queries, n):

    apps = [make_passed(f.ApplicantOrgFactory(), f"广西测试{i}科技成果转化中试研究基地", "80") for i in range(n)]
    notice = svc.notice_create(call=call, applications=apps, title="t", body="", starts_on=date(2026, 11, 2),
                               actor=department_user)
    svc.notice_publish(notice=notice, actor=department_user)
    with django_assert_num_queries(3):
        response = client.get(reverse("public:notice_detail", args=[notice.pk]))
    assert len(response.context["entries"]) == n


def test_base_lists_search_and_filter_and_hide_revoked_from_the_public(client, login, department_user):
    _bases(3)
    transition_run(instance=Base.objects.get(name="广西测试1科技成果转化中试研究基地"), name="revoke",
                   actor=department_user)
    Base.objects.filter(name="广西测试2科技成果转化中试研究基地").update(batch=2)
    public = client.get(reverse("public:base_list"))
    assert [b.name for b in public.context["page"].object_list] == [
        "广西测试0科技成果转化中试研究基地", "广西测试2科技成果转化中试研究基地"]
    found = client.get(reverse("public:base_list"), {"q": "测试2"})
    assert [b.name for b in found.context["page"].object_list] == ["广西测试2科技成果转化中试研究基地"]
    by_batch = client.get(reverse("public:base_list"), {"batch": "2"}).content.decode()
    assert "广西测试2" in by_batch and "广西测试0" not in by_batch
    assert "没有符合条件的基地" in client.get(reverse("public:base_list"), {"q": "不存在"}).content.decode()
    staff = login(department_user)
    revoked = staff.get(reverse("reviews:cert_base_list"), {"state": "revoked"})
    assert [b.name for b in revoked.context["page"].object_list] == ["广西测试1科技成果转化中试研究基地"]
    assert 'value="revoked" selected' in revoked.content.decode()


def test_every_page_and_message_gives_the_same_last_day(client, login, published_notice, department_user, applicant):
    """Mon 2 Nov + 5 working days: the notice runs to Fri 6 Nov and may be closed from Mon 9 Nov."""
    from pilotbase.models import Notification

    assert (published_notice.last_day, published_notice.ends_on) == (date(2026, 11, 6), date(2026, 11, 9))
    public = client.get(reverse("public:notice_detail", args=[published_notice.pk])).content.decode()
    staff = login(department_user).get(reverse("reviews:notice_detail", args=[published_notice.pk])).content.decode()
    note = Notification.objects.filter(recipient=applicant, kind="certification.notice_published").latest("id")
    for text in (public, staff, note.body):
        assert "2026年11月6日" in text
    assert "2026年11月9日 起可结束公示" in staff or "已期满，可结束公示" in staff


def test_listed_entry_label_is_neutral(login, draft_notice, department_user):
    assert NoticeEntryState.LISTED.label == "列入名单"
    html = login(department_user).get(reverse("reviews:notice_detail", args=[draft_notice.pk])).content.decode()
    table = html[html.index('id="entry-table"'):]
    assert "列入名单" in table and "公示中" not in table


def test_close_button_disabled_with_the_same_explanation_until_ends_on(login, call, app_a, department_user):
    today = timezone.localdate()
    notice = svc.notice_create(call=call, applications=[app_a], title="t", body="", starts_on=today,
                               actor=department_user)
    notice = svc.notice_publish(notice=notice, actor=department_user)
    client = login(department_user)
    url = reverse("reviews:notice_detail", args=[notice.pk])
    expected = f"公示期至{cn_date(notice.last_day)}截止，{cn_date(notice.ends_on)}起方可结束公示。"
    html = client.get(url).content.decode()
    assert 'id="close-action" disabled' in html and expected in html
    assert 'data-confirm="结束公示后不能再受理异议，确定结束公示吗？"' in html
    html = client.post(reverse("reviews:notice_close", args=[notice.pk]), follow=True).content.decode()
    alert = html[html.index("alert-danger"):]
    assert alert.index(expected) < alert.index("</div>")  # the refusal says the same as the header
    type(notice).objects.filter(pk=notice.pk).update(starts_on=today - timedelta(days=14),
                                                     ends_on=today - timedelta(days=1))
    html = client.get(url).content.decode()
    assert 'id="close-action" disabled' not in html and 'id="close-action"' in html


def test_close_refusal_in_english_uses_english_dates(published_notice, department_user):
    with translation.override("en"), pytest.raises(WorkflowError) as exc:
        svc.notice_close(notice=published_notice, actor=department_user,
                         today=published_notice.ends_on - timedelta(days=1))
    assert "2026年" not in str(exc.value) and "2026" in str(exc.value)


def test_certify_button_asks_for_confirmation(login, closed_notice, department_user):
    assert closed_notice.state == NoticeState.CLOSED
    html = login(department_user).get(reverse("reviews:notice_detail", args=[closed_notice.pk])).content.decode()
    assert 'data-confirm="认定后将生成证书编号，且不能撤回，确定认定吗？"' in html


def test_required_messages_follow_the_readers_language():
    title = NoticeCreateForm.base_fields["title"].error_messages["required"]
    received = PlaqueForm.base_fields["plaque_received_by"].error_messages["required"]
    evidence = ObjectionForm.base_fields["evidence"].help_text
    with translation.override("zh-hans"):
        assert (str(title), str(received)) == ("请填写公示标题。", "请填写标牌领取人。")
        assert str(evidence) == "PDF、JPG 或 PNG，不超过 10 MB。"
    with translation.override("en"):
        assert "请" not in str(title) and "Notice title" in str(title)
        assert "MB" in str(evidence) and "不超过" not in str(evidence)


def test_public_notice_list_badges_are_centred_not_stretched(client, published_notice):
    html = client.get(reverse("public:notice_list")).content.decode()
    item = html.split('id="public-notices">')[1].split("</li>")[0]
    assert 'class="list-group-item d-flex flex-wrap justify-content-between align-items-center gap-2"' in item
    assert 'data-state="published"' in item
