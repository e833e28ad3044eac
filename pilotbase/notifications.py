"""The one place every stage calls to tell a user something.

`notify` writes an in-portal Notification and, when the user has an e-mail address, a Delivery
row rendered from three templates (emails/<template>.subject.txt, .txt, .html) in Chinese (the
notice keeps the same words without the mail-only parts: subject prefix, signature, bare links); the
send task is enqueued only after the surrounding transaction commits, so a rolled-back change
never sends mail. `remind_once` does the same under a unique key, so a sweep that runs twice
sends once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from .documents import official_language
from .models import Delivery, DeliveryStatus, Notification, Reminder, User

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def _render_text(name: str, context: dict[str, Any]) -> str:
    """Plain text (subject, text part, bell notice) is not HTML: rendered without autoescaping, so a name
    with quotes reads “A"B” and not “A&quot;B”. The .html part goes through render_to_string, escaped."""
    return get_template(name).template.render(Context(context, autoescape=False))


def one_line(text: str) -> str:
    """A mail header holds one line: every run of whitespace (CR, LF, tabs, U+2028 …) becomes one space, so
    a name typed with a line break never raises BadHeaderError."""
    return " ".join(text.split())


def _render(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    with official_language():
        subject = one_line(_render_text(f"emails/{template}.subject.txt", context))
        text = _render_text(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return subject, text, html


# A link is made of URL characters only: it ends at the first CJK character, full-width punctuation, space,
# quote or escaped quote/bracket (&quot; &lt; &gt; &#x27;), and a trailing full stop or comma belongs to the
# sentence, not to the link.
_URL_CHARS = r"https?://(?:(?!&(?:quot|lt|gt|#x27|#39);)[A-Za-z0-9\-._~:/?#\[\]@$&+,;=%])*(?<![.,;:?!])"
_URL = re.compile(_URL_CHARS)
_LINK_LINE = re.compile(r"^[^。，,；;]{0,20}[：:]?\s*" + _URL_CHARS + r"[。.]?$")  # "在平台中查看：http://…"


def web_title(subject: str) -> str:
    """The e-mail subject without the 【portal name】 prefix the bell and the dashboard do not need."""
    with official_language():
        prefix = f"【{settings.PORTAL_NAME}】"
    return subject.removeprefix(prefix).strip() or subject


def web_body(text: str) -> str:
    """The e-mail text as the portal shows it: no "do not reply" signature, no bare links (the notice
    itself links to its page), no run of blank lines left behind."""
    with official_language():
        portal_name = str(settings.PORTAL_NAME)
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("——") and portal_name in stripped:
            continue
        if _LINK_LINE.match(stripped):
            continue
        lines.append(_URL.sub("", line).rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    template: str,
    context: dict[str, Any] | None = None,
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Tell each recipient: a bell notice always, an e-mail when `email` and an address exist."""
    created = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        ctx = {"user": user, "url": url, "site_url": settings.SITE_URL, "portal_name": settings.PORTAL_NAME,
               **(context or {})}
        subject, text, html = _render(template, ctx)
        note = Notification.objects.create(recipient=user, kind=kind, title=web_title(subject)[:200],
                                           body=web_body(text), url=url)
        created.append(note)
        if email and user.email:
            delivery = Delivery.objects.create(
                notification=note, to_address=user.email, subject=subject, text=text, html=html
            )
            _enqueue_after_commit(delivery.pk)
    return created


def mail_address(*, to: str, template: str, context: dict[str, Any] | None = None, url: str = "") -> Delivery:
    """An e-mail to someone who has no account yet (a registering unit's contact): a Delivery without a bell
    notice, rendered and queued like every other mail (sent after commit, claimed once)."""
    ctx = {"url": url, "site_url": settings.SITE_URL, "portal_name": settings.PORTAL_NAME, **(context or {})}
    subject, text, html = _render(template, ctx)
    delivery = Delivery.objects.create(to_address=to, subject=subject[:200], text=text, html=html)
    _enqueue_after_commit(delivery.pk)
    return delivery


def _enqueue_after_commit(delivery_id: int) -> None:
    from .tasks import delivery_send

    transaction.on_commit(lambda: delivery_send.delay(delivery_id=delivery_id))


@dataclass(frozen=True)
class Due:
    """One reminder a sweep found due: sent once per key (record + kind + due date + recipient)."""

    key: str
    recipient: User
    kind: str
    template: str
    context: dict[str, Any] | None = None
    url: str = ""
    due_on: date | None = None


def batched(items: Iterable[Any], n: int) -> Iterable[list[Any]]:
    """itertools.batched (Python 3.12) for 3.11."""
    it = iter(items)
    while chunk := list(islice(it, n)):
        yield chunk


LOOKUP_BATCH = 5000  # keys per "which were sent already" query
INSERT_BATCH = 1000  # rows per INSERT … ON CONFLICT DO NOTHING (6 parameters each: within SQLite's 32,766)


def remind_many(reminders: Iterable[Due]) -> int:
    """Send every due reminder whose key was not sent yet; returns how many were sent now.

    The cost follows the reminders sent, not the deadlines open: one query per 5,000 keys finds those already
    sent, the new keys go in with INSERT … ON CONFLICT (key) DO NOTHING RETURNING (a sweep running at the same
    time inserts each key once: only the rows this sweep inserted are sent), and each batch's notices, mails and
    keys commit together (a failure sends none of its batch, and the next sweep tries again)."""
    sent = 0
    for chunk in batched(reminders, LOOKUP_BATCH):
        by_key = {r.key: r for r in chunk}
        known = set(Reminder.objects.filter(key__in=list(by_key)).values_list("key", flat=True))
        fresh = [r for key, r in by_key.items() if key not in known]
        for part in batched(fresh, INSERT_BATCH):
            with transaction.atomic():
                linked = []
                for pk, key in _reminder_keys_insert(part):
                    due = by_key[key]
                    notes = notify(recipients=[due.recipient], kind=due.kind, template=due.template,
                                   context=due.context, url=due.url)
                    sent += 1
                    if notes:
                        linked.append(Reminder(pk=pk, notification=notes[0]))
                Reminder.objects.bulk_update(linked, ["notification"], batch_size=INSERT_BATCH)
    return sent


def _reminder_keys_insert(reminders: Sequence[Due]) -> list[tuple[int, str]]:
    """INSERT the keys, skip those another sweep inserted meanwhile; (id, key) of the rows inserted here."""
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    table = ops.quote_name(Reminder._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in ("key", "recipient_id", "kind", "due_on", "created_at"))
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(reminders))
    params = [v for r in reminders
              for v in (r.key, r.recipient.pk, r.kind, ops.adapt_datefield_value(r.due_on), now)]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {rows} ON CONFLICT ({ops.quote_name('key')}) "
                       f"DO NOTHING RETURNING {ops.quote_name('id')}, {ops.quote_name('key')}", params)
        return [(pk, key) for pk, key in cursor.fetchall()]


def remind_once(
    *, key: str, recipient: User, kind: str, template: str, context: dict[str, Any] | None = None,
    url: str = "", due_on: date | None = None,
) -> bool:
    """Send a reminder unless one with this key was already sent. Returns True if sent now."""
    return remind_many([Due(key=key, recipient=recipient, kind=kind, template=template, context=context, url=url,
                            due_on=due_on)]) == 1


def delivery_send_now(delivery_id: int) -> str:
    """Claim the delivery with a conditional UPDATE (no two workers send the same mail), then send."""
    claimed = Delivery.objects.filter(
        Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]) & Q(attempts__lt=MAX_ATTEMPTS),
        pk=delivery_id,
    ).update(status=DeliveryStatus.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.get(pk=delivery_id)
    message = EmailMultiAlternatives(
        # one_line again: rows queued before subjects were made one line must not fail on every retry
        subject=one_line(delivery.subject), body=delivery.text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_address],
    )
    if delivery.html:
        message.attach_alternative(delivery.html, "text/html")
    try:
        message.send()
    except Exception as exc:  # any transport error: record it, let the task retry
        Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.FAILED, last_error=str(exc)[:2000])
        log.warning("delivery %s failed: %s", delivery_id, exc)
        raise
    Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
