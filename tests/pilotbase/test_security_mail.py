"""Text that would break the e-mail channel: a line break in a name never raises BadHeaderError, and the
plain-text mail and the bell notice show the text as typed (no &quot;), while the HTML part stays escaped."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse

from pilotbase.models import Delivery, DeliveryStatus, Notification
from pilotbase.notifications import delivery_send_now, notify, one_line, web_body

pytestmark = pytest.mark.django_db

PREFIX = "【广西科技成果转化中试研究基地管理平台】"
HOSTILE = '广西"绿能"\r\n<b>中试</b>基地'
ONE_LINE = '广西"绿能" <b>中试</b>基地'


def _certified(user):
    base = SimpleNamespace(name=HOSTILE, batch_label="第一批", certified_on=date(2026, 11, 28))
    return notify(recipients=[user], kind="test", template="certification_certified",
                  context={"base": base, "certificate": SimpleNamespace(number="GXZS-2026-001")},
                  url="/reviews/public/verify/abc/")


def test_line_break_in_a_name_does_not_break_the_mail(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _certified(applicant)
    (sent,) = mail.outbox
    assert sent.subject == f"{PREFIX}“{ONE_LINE}”已认定为自治区中试研究基地"
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_plain_text_mail_shows_the_name_as_typed(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _certified(applicant)
    (sent,) = mail.outbox
    assert f"“{HOSTILE}”已认定为广西壮族自治区科技成果转化中试研究基地" in sent.body
    assert "&quot;" not in sent.body and "&lt;" not in sent.body


def test_html_part_stays_escaped(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _certified(applicant)
    ((html, mime),) = mail.outbox[0].alternatives
    assert mime == "text/html"
    assert "<b>中试</b>" not in html
    assert "广西&quot;绿能&quot;\r\n&lt;b&gt;中试&lt;/b&gt;基地" in html


def test_bell_notice_shows_the_name_as_typed_and_the_page_escapes_it(login, applicant):
    (note,) = _certified(applicant)
    note = Notification.objects.get(pk=note.pk)
    assert note.title == f"“{ONE_LINE}”已认定为自治区中试研究基地"
    assert '“广西"绿能"\n<b>中试</b>基地”已认定为广西壮族自治区科技成果转化中试研究基地' in note.body
    assert "&quot;" not in note.title + note.body
    html = login(applicant).get(reverse("notifications")).content.decode()
    assert "&lt;b&gt;中试&lt;/b&gt;" in html
    assert "<b>中试</b>" not in html


def test_delivery_queued_with_a_broken_subject_is_still_sent(applicant):
    """Rows written before subjects were made one line must not fail forever."""
    note = Notification.objects.create(recipient=applicant, kind="t", title="x")
    delivery = Delivery.objects.create(notification=note, to_address=applicant.email, subject="第一行\r\n第二行",
                                       text="正文", html="")
    assert delivery_send_now(delivery.pk) == "sent"
    assert mail.outbox[0].subject == "第一行 第二行"


def test_one_line_collapses_every_kind_of_line_break():
    assert one_line(" 甲\r\n乙\n丙\r丁\u2028戊\t己  ") == "甲 乙 丙 丁 戊 己"


@pytest.mark.parametrize(("text", "shown"), [
    ("请访问 http://127.0.0.1:8000/a/?x=1&y=2，然后提交“意见”。", "请访问 ，然后提交“意见”。"),
    ("旧链接 http://127.0.0.1:8000/a/&quot;后面的文字不被吞掉", "旧链接 &quot;后面的文字不被吞掉"),
    ("详见http://127.0.0.1:8000/a/。下一句。", "详见。下一句。"),
    ("证书核验：http://127.0.0.1:8000/reviews/public/verify/0277950e/。\n其余文字", "其余文字"),
])
def test_link_stripper_keeps_the_text_after_a_link(text, shown):
    assert web_body(text) == shown
