"""The bell notice carries the e-mail's words without what only a mail needs; the mail itself is unchanged."""

import pytest
from django.core import mail
from django.urls import reverse

from pilotbase.models import Delivery, Notification
from pilotbase.notifications import notify, web_body, web_title

pytestmark = pytest.mark.django_db

PREFIX = "【广西科技成果转化中试研究基地管理平台】"
FOOTER = "—— 广西科技成果转化中试研究基地管理平台（本邮件由系统自动发送，请勿直接回复）"


def _notify(user):
    return notify(recipients=[user], kind="test", template="generic",
                  context={"title": "形式审查通过", "message": "您单位的申报已通过形式审查。"}, url="/dashboard/")


def test_notice_title_and_body_leave_out_prefix_footer_and_bare_links(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = _notify(applicant)
    note = Notification.objects.get(pk=note.pk)
    assert note.title == "形式审查通过"
    assert note.body == f"{applicant}，您好：\n\n您单位的申报已通过形式审查。"
    assert note.url == "/dashboard/"
    # The e-mail is what it always was.
    (sent,) = mail.outbox
    assert sent.subject == f"{PREFIX}形式审查通过"
    assert "在平台中查看：http://" in sent.body and FOOTER in sent.body
    assert Delivery.objects.get().text == sent.body


def test_web_body_keeps_sentences_and_drops_link_lines():
    text = ("王工，您好：\n\n“广西某基地”已认定为中试研究基地。证书电子版生成后可在平台下载。\n\n"
            "证书核验：http://127.0.0.1:8000/reviews/public/verify/0277950e/\n\n" + FOOTER + "\n")
    assert web_body(text) == "王工，您好：\n\n“广西某基地”已认定为中试研究基地。证书电子版生成后可在平台下载。"
    assert web_title(f"{PREFIX}“广西某基地”已认定为自治区中试研究基地") == "“广西某基地”已认定为自治区中试研究基地"
    assert web_title("没有前缀的标题") == "没有前缀的标题"


def test_notifications_page_links_the_notice_with_a_button(login, applicant):
    _notify(applicant)
    html = login(applicant).get(reverse("notifications")).content.decode()
    assert PREFIX not in html and "http://" not in html and "请勿直接回复" not in html
    assert 'class="btn btn-sm btn-primary notification-link" href="/dashboard/"' in html


def test_dashboard_lists_unread_notices_by_their_web_title(login, applicant):
    _notify(applicant)
    html = login(applicant).get(reverse("dashboard")).content.decode()
    assert ">形式审查通过</a>" in html
    assert PREFIX not in html
