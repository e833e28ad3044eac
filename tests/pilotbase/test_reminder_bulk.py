"""remind_many in bulk: one rendering per kind of reminder gives what rendering each gives, the queries do not grow
with the reminders sent, the mails of a part go out as one batch task that claims each row once."""

import logging
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pilotbase.models import Delivery, DeliveryStatus, Notification, Reminder
from pilotbase.notifications import Due, Text, _Stencils, remind_many
from pilotbase.tasks import deliveries_send
from tests import factories as f

pytestmark = pytest.mark.django_db

NAMES = [
    "广西新能源商用车科技成果转化中试研究基地",
    "A\"B <b>&'",  # escaped in the HTML, as the template would
    "",  # {{ name|default:"未命名申报" }}
    "见 http://evil.example/x 的申报",  # the bell body drops links: rendered one by one
    "两行\n名称",
    " 前后空格 ",
    "——广西科技成果转化中试研究基地管理平台",
    "长" * 300,  # the title is cut at 200
]


def _contexts(name: str, today: date, now) -> list[tuple[str, dict]]:
    return [
        (
            "assessment_reminder",
            {
                "application": Text(name),
                "reminder": "due_soon",
                "days": 2,
                "due_on": today + timedelta(days=2),
            },
        ),
        (
            "assessment_reminder",
            {"application": Text(name), "reminder": "due_today", "days": 0, "due_on": today},
        ),
        (
            "assessment_reminder",
            {
                "application": Text(name),
                "reminder": "overdue",
                "days": -4,
                "due_on": today - timedelta(days=4),
            },
        ),
        (
            "assessment_overdue_digest",  # its rows are plain: part of the kind, shared by the agency's staff
            {
                "count": 12,
                "seats": (
                    (name, f"专家{name}", today - timedelta(days=3), "已接受", "/reviews/assessment/3/"),
                    ("第二个申报", name, today - timedelta(days=1), "已邀请", "/reviews/assessment/4/"),
                ),
                "today": today,
            },
        ),
        (
            "application_deadline",
            {
                "application_name": Text(name),
                "state": "草稿",
                "call_title": "2026年度申报",
                "closes_at": now + timedelta(days=3),
                "days": 3,
            },
        ),
        (
            "application_deadline",
            {
                "application_name": Text(name),
                "state": "退回修改",
                "call_title": name,
                "closes_at": now,
                "days": 0,
            },
        ),
        ("recommendation_deadline_reminder", {"call_title": name, "deadline": now, "days": 1}),
        ("generic", {"title": Text(name or "提醒"), "message": Text(name)}),
    ]


def test_one_rendering_per_kind_gives_what_rendering_each_gives(caplog):
    """Every reminder template, with names that escape, are empty, carry links or line breaks or are too long:
    the filled rendering equals notify's own for each reminder, and no kind falls back to rendering each."""
    today, now = timezone.localdate(), timezone.now()
    users = [
        f.ApplicantUserFactory(last_name=last, first_name=first)
        for last, first in (("李", "四"), ("<王>", '"五"'), ("", ""))
    ]
    stencils = _Stencils()
    compared, kinds_after_first_user = 0, None
    with caplog.at_level(logging.WARNING, logger="pilotbase.notifications"):
        for user in users:
            for name in NAMES:
                for url in ("/reviews/assessment/seats/7/", ""):
                    for template, context in _contexts(name, today, now):
                        due = Due(
                            key="k", recipient=user, kind="t", template=template, context=context, url=url
                        )
                        assert stencils.letter(due) == stencils._rendered(due), (template, name, url)
                        compared += 1
            kinds_after_first_user = kinds_after_first_user or len(stencils.kinds)
    assert compared == 3 * len(NAMES) * 2 * 8
    assert caplog.records == []
    assert stencils.kinds and all(stencil is not None for stencil in stencils.kinds.values())
    assert len(stencils.kinds) == kinds_after_first_user  # the other recipients reuse the renderings


def test_a_text_through_another_filter_is_rendered_one_by_one(settings, caplog):
    """A template that cuts a Text (truncatechars) cannot be filled: the first reminder of the kind shows it, a
    warning is logged, and every reminder of that kind is rendered as notify would."""
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "emails/cut.subject.txt": "【{{ portal_name }}】{{ name|truncatechars:6 }}",
                            "emails/cut.txt": "{{ user }}：{{ name|truncatechars:6 }}",
                            "emails/cut.html": "<p>{{ name }}</p>",
                        },
                    )
                ]
            },
        }
    ]
    user = f.ApplicantUserFactory()
    stencils = _Stencils()
    with caplog.at_level(logging.WARNING, logger="pilotbase.notifications"):
        letters = [
            stencils.letter(Due(key="k", recipient=user, kind="t", template="cut", context={"name": Text(n)}))
            for n in ("中试研究基地建设申请", "短名", "另一个很长很长的名称")
        ]
    assert [letter.title for letter in letters] == ["中试研...", "短名", "另一个..."]
    assert "rendered one by one" in caplog.text
    assert list(stencils.kinds.values()) == [None]


def _dues(n: int) -> list[Due]:
    return [
        Due(
            key=f"bulk:{i}",
            recipient=f.ApplicantUserFactory(),
            kind="test",
            template="generic",
            context={"title": Text(f"提醒{i}"), "message": "请按时提交。"},
            url=f"/applications/{i}/",
        )
        for i in range(n)
    ]


def test_remind_many_queries_do_not_grow_with_the_reminders_sent(django_capture_on_commit_callbacks):
    """Look up the keys, insert the notices, the keys and the mails: the same queries for 3 or 30 reminders (on
    SQLite 4 and a savepoint; PostgreSQL takes the ids from the sequences and COPYs)."""
    runs = []
    for n, offset in ((3, 0), (30, 100)):
        dues = [
            Due(
                key=f"{d.key}:{offset}",
                recipient=d.recipient,
                kind=d.kind,
                template=d.template,
                context=d.context,
                url=d.url,
            )
            for d in _dues(n)
        ]
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with CaptureQueriesContext(connection) as queries:
                assert remind_many(dues) == n
        runs.append([q["sql"].split()[0] for q in queries.captured_queries])
        assert len(callbacks) == 1  # one send task for the part's mails
        assert remind_many(dues) == 0
    assert runs[0] == runs[1]
    if connection.vendor == "sqlite":
        assert runs[0] == ["SELECT", "SAVEPOINT", "INSERT", "INSERT", "INSERT", "RELEASE"]
    assert len(mail.outbox) == 33
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == Notification.objects.count() == 33
    assert set(Reminder.objects.values_list("notification__recipient", flat=True)) == set(
        Notification.objects.values_list("recipient", flat=True)
    )


def test_a_key_another_sweep_inserted_meanwhile_drops_its_notice(applicant):
    """The notices go in before the keys: a key inserted by a concurrent sweep after the lookup leaves no notice
    and no mail of this sweep behind."""
    from pilotbase.notifications import _reminder_keys_insert, _reminders_send

    due, other = _dues(2)
    assert _reminder_keys_insert([due]) != []  # the other sweep, between our lookup and our insert
    assert _reminders_send([due, other], _Stencils()) == 1
    assert list(Notification.objects.values_list("recipient", flat=True)) == [other.recipient.pk]
    assert Delivery.objects.get().to_address == other.recipient.email
    assert Reminder.objects.get(key=due.key).notification is None


def test_inactive_recipient_is_keyed_but_told_nothing(applicant):
    applicant.is_active = False
    applicant.save()
    due = Due(
        key="inactive:1",
        recipient=applicant,
        kind="test",
        template="generic",
        context={"title": "提醒", "message": "请按时提交。"},
    )
    assert remind_many([due]) == 1
    assert Reminder.objects.get().notification is None
    assert Notification.objects.count() == Delivery.objects.count() == 0


def test_batch_send_claims_each_row_once_and_stops_at_a_transport_error(
    settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        remind_many(_dues(3))
    ids = list(Delivery.objects.order_by("id").values_list("id", flat=True))
    settings.EMAIL_BACKEND = "tests.pilotbase.failing_backend.FailingBackend"
    assert deliveries_send(delivery_ids=ids) == 0
    states = list(Delivery.objects.order_by("id").values_list("status", flat=True))
    # the failed row and the rest are left to the outbox sweep
    assert states == [DeliveryStatus.FAILED, DeliveryStatus.PENDING, DeliveryStatus.PENDING]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliveries_send(delivery_ids=ids) == 3
    assert deliveries_send(delivery_ids=ids) == 0  # redelivered: each row was claimed once
    assert len(mail.outbox) == 3
