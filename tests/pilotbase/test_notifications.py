import pytest
from django.core import mail
from django.db import transaction

from pilotbase import registry
from pilotbase.models import Delivery, DeliveryStatus, Notification, Reminder
from pilotbase.notifications import notify, remind_once
from pilotbase.tasks import reminders_sweep

pytestmark = pytest.mark.django_db(transaction=True)


def _notify(user, message="请查看。"):
    return notify(recipients=[user], kind="test", template="generic",
                  context={"title": "测试通知", "message": message}, url="/dashboard/")


def test_notify_creates_notice_and_sends_chinese_mail_after_commit(applicant):
    with transaction.atomic():
        _notify(applicant)
        assert len(mail.outbox) == 0  # nothing leaves before commit
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "【广西科技成果转化中试研究基地管理平台】测试通知"
    assert mail.outbox[0].to == [applicant.email]
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    note = Notification.objects.get()
    assert (note.recipient, note.read_at) == (applicant, None)


def test_notify_inside_rolled_back_transaction_is_never_sent(applicant):
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify(applicant)
        raise RuntimeError("boom")
    assert len(mail.outbox) == 0
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0


def test_notify_without_email_still_leaves_bell_notice(applicant):
    applicant.email = ""
    applicant.save()
    _notify(applicant)
    assert Notification.objects.filter(recipient=applicant).count() == 1
    assert Delivery.objects.count() == 0


def test_delivery_failure_is_recorded_and_retried_later(applicant, settings):
    settings.EMAIL_BACKEND = "tests.pilotbase.failing_backend.FailingBackend"
    _notify(applicant)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert delivery.last_error == "SMTP server unavailable"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from pilotbase.tasks import deliveries_retry

    assert deliveries_retry() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert len(mail.outbox) == 1


def test_remind_once_same_key_sends_once(applicant):
    kwargs = {"key": "test:1:7", "recipient": applicant, "kind": "deadline", "template": "generic",
              "context": {"title": "截止提醒", "message": "还有7天截止。"}}
    assert remind_once(**kwargs) is True
    assert remind_once(**kwargs) is False
    assert Reminder.objects.count() == 1
    assert len(mail.outbox) == 1


def test_reminder_sweep_run_twice_sends_once(applicant, monkeypatch):
    def sweeper():
        return int(remind_once(key=f"sweep:{applicant.pk}", recipient=applicant, kind="deadline",
                               template="generic", context={"title": "提醒", "message": "请按时提交。"}))

    monkeypatch.setattr(registry, "_sweepers", [sweeper])
    assert reminders_sweep() == 1
    assert reminders_sweep() == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=applicant).count() == 1
