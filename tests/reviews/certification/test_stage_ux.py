"""Audit fixes of the notice pages: a neutral entry label, a closing message that matches the header,
confirmations, lazy form messages, and the objection form's note about a dropped file."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from pilotbase.formats import cn_date
from pilotbase.workflow import WorkflowError
from reviews.forms.certification import NoticeCreateForm, ObjectionForm, PlaqueForm
from reviews.models import NoticeEntryState, NoticeState
from reviews.services import certification as svc

DROPPED = "出于安全原因，浏览器不会保留已选择的文件，请重新选择证明材料。"


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


def test_objection_form_says_the_chosen_file_must_be_chosen_again(client, published_notice):
    url = reverse("public:objection", args=[published_notice.pk])
    entry = published_notice.entries.first()
    evidence = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(url, {"entry": entry.pk, "objector_kind": "person", "objector_name": "王某",
                                 "objector_phone": "", "content": "中试线尚未建成。", "evidence": evidence})
    html = response.content.decode()
    assert response.status_code == 400 and DROPPED in html
    assert html.index('name="evidence"') < html.index(DROPPED)
    response = client.post(url, {"entry": entry.pk, "objector_kind": "person", "objector_name": "王某",
                                 "objector_phone": "", "content": "中试线尚未建成。"})
    assert DROPPED not in response.content.decode()
