"""SMTP failing: the test's SMTP server answers 451 (a temporary failure). Each failure is recorded on the
Delivery (status, tries, the server's answer) where staff see it (admin → 邮件发送记录); the send is tried
again after 1, 2, 4, 8 × PILOTBASE_DELIVERY_RETRY_SECONDS (1 s here, 60 s by default); a mail that used up its
five tries stays 发送失败 — kept, never dropped — until staff send it again from the admin."""

import pytest
from django.urls import reverse

from pilotbase.models import Delivery, DeliveryStatus
from tests import factories as f

from .procs import portal_env, run_portal, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MAIL = """
from django.db import transaction
from pilotbase.notifications import mail_address
with transaction.atomic():
    delivery = mail_address(to="unit@example.cn", template="generic", context={"title": "重试", "message": "m"})
print("DELIVERY", delivery.pk)
"""

RESEND = """
from django.test import Client
from pilotbase.models import User
client = Client()
client.force_login(User.objects.get(pk={admin}))
response = client.post("{url}", {{"action": "resend", "_selected_action": [{pk}]}})
print("RESULT", response.status_code)
"""


@pytest.fixture
def env(redis_server, smtp, queue, tmp_path):
    return portal_env(
        redis_url=redis_server.url,
        var_dir=tmp_path,
        queue=queue,
        email_url=smtp.url,
        PILOTBASE_DELIVERY_RETRY_SECONDS="1",
    )


def _mail(env) -> int:
    done = run_portal(MAIL, env)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split("DELIVERY ")[1])


def _staff_page(client) -> str:
    client.force_login(f.AdminUserFactory(is_staff=True, is_superuser=True))
    return client.get(
        reverse("admin:pilotbase_delivery_changelist") + "?status__exact=failed"
    ).content.decode()


def test_smtp_failing_twice_is_retried_with_back_off_visible_to_staff_and_sent_once(
    env, smtp, workers, client
):
    smtp.refuse = 2
    workers(env)
    delivery_id = _mail(env)

    failed = wait_for(
        lambda: Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.FAILED).first(),
        timeout=30,
        what="the first failure",
        interval=0.05,
    )
    assert failed.attempts >= 1 and "451" in failed.last_error
    page = _staff_page(client)
    assert "unit@example.cn" in page and "发送失败" in page and "Mailbox temporarily unavailable" in page

    wait_for(
        lambda: Delivery.objects.get(pk=delivery_id).status == DeliveryStatus.SENT,
        timeout=30,
        what="the third try to succeed",
    )
    delivery = Delivery.objects.get(pk=delivery_id)
    assert (delivery.attempts, delivery.last_error) == (3, "")
    assert [what for _, what in smtp.attempts] == ["refused", "refused", "data"]
    assert [m["To"] for m in smtp.messages] == ["unit@example.cn"]
    (t1, _), (t2, _), (t3, _) = smtp.attempts
    assert 0.9 < t2 - t1 < t3 - t2  # waited 1 s, then 2 s: the wait doubles


def test_smtp_down_for_good_keeps_the_mail_failed_and_staff_send_it_again(env, smtp, workers, client):
    smtp.refuse = 1000
    workers(env)
    delivery_id = _mail(env)
    wait_for(
        lambda: Delivery.objects.filter(pk=delivery_id, attempts=5, status=DeliveryStatus.FAILED).exists(),
        timeout=45,
        what="five failed tries (1 + 2 + 4 + 8 s apart)",
    )
    assert [what for _, what in smtp.attempts] == ["refused"] * 5
    assert "Mailbox temporarily unavailable" in _staff_page(client)

    smtp.refuse = 0  # the server is repaired; staff use the admin's action (in a web process of the portal)
    done = run_portal(
        RESEND.format(
            admin=f.AdminUserFactory().pk, url=reverse("admin:pilotbase_delivery_changelist"), pk=delivery_id
        ),
        env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("RESULT ")[1].split() == ["302"]
    wait_for(
        lambda: Delivery.objects.get(pk=delivery_id).status == DeliveryStatus.SENT,
        timeout=30,
        what="the mail sent again",
    )
    assert [m["To"] for m in smtp.messages] == ["unit@example.cn"]
