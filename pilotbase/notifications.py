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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import escape

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
    return _web_title(subject, prefix)


def _web_title(subject: str, prefix: str) -> str:
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
    """Queued after commit; with the broker down the row stays pending for the outbox sweep (pilotbase.queue)."""
    from .queue import enqueue
    from .tasks import delivery_send

    transaction.on_commit(lambda: enqueue(delivery_send, delivery_id=delivery_id))


class Text(str):
    """Per-reminder text in a reminder's context (an application's name, an expert's name): a sweep renders each
    template once per kind of message with a marker in its place and fills the marker per reminder (`_Stencils`).
    Print it as it is (`{{ name }}`, `{{ name|default:"…" }}`), through no other filter and never on a link's line.
    Every other value of such a context is a plain value (str, number, date, lazy label) and part of the kind."""

    __slots__ = ()


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


@dataclass(frozen=True)
class Candidate:
    """A reminder's key and what its sweeper needs to build the rest (`ref`), when building it costs queries: the
    sweeper's `complete` builds only the reminders whose keys were not sent yet."""

    key: str
    ref: Any = None


def url_for_ids(viewname: str) -> Callable[[int], str]:
    """`reverse(viewname, args=[pk])` for many pks at the cost of one reverse (a sweep builds thousands of links)."""
    sentinel = 987654321
    head, _sep, tail = reverse(viewname, args=[sentinel]).partition(str(sentinel))
    return lambda pk: f"{head}{int(pk)}{tail}"


def batched(items: Iterable[Any], n: int) -> Iterable[list[Any]]:
    """itertools.batched (Python 3.12) for 3.11."""
    it = iter(items)
    while chunk := list(islice(it, n)):
        yield chunk


LOOKUP_BATCH = 5000  # keys per "which were sent already" query
INSERT_BATCH = 1000  # rows per INSERT … ON CONFLICT DO NOTHING (6 parameters each: within SQLite's 32,766)


def remind_many(reminders: Iterable[Due | Candidate],
                complete: Callable[[list[Candidate]], Iterable[Due]] | None = None) -> int:
    """Send every due reminder whose key was not sent yet; returns how many were sent now.

    The cost follows the reminders sent, not the deadlines open: one query per 5,000 keys finds those already
    sent (candidates given as `Candidate` are then built by `complete`, for the new keys only); each template is
    rendered once per kind of message and filled per reminder; per 1,000 reminders the notices go in with one
    INSERT, the keys with one INSERT … ON CONFLICT (key) DO NOTHING RETURNING (a sweep running at the same time
    inserts each key once: a notice whose key another sweep inserted is dropped, only the rows this sweep
    inserted are sent), the e-mails with one INSERT and one send task for them all, queued after commit. Each
    part's notices, mails and keys commit together (a failure sends none of them; the next sweep tries again)."""
    sent = 0
    stencils = _Stencils()
    for chunk in batched(reminders, LOOKUP_BATCH):
        by_key = {r.key: r for r in chunk}
        known = set(Reminder.objects.filter(key__in=list(by_key)).values_list("key", flat=True))
        fresh = [r for key, r in by_key.items() if key not in known]
        if complete is not None and fresh:
            fresh = list(complete(fresh))
        for part in batched(fresh, INSERT_BATCH):
            sent += _reminders_send(part, stencils)
    return sent


def _reminders_send(part: Sequence[Due], stencils: _Stencils) -> int:
    letters = {due.key: stencils.letter(due) for due in part if due.recipient.is_active}
    with transaction.atomic():
        notes = {key: Notification(recipient=due.recipient, kind=due.kind, title=letters[key].title,
                                   body=letters[key].body, url=due.url)
                 for due in part if (key := due.key) in letters}
        Notification.objects.bulk_create(notes.values())
        inserted = {key for _pk, key in _reminder_keys_insert(part, notes)}
        lost = [note.pk for key, note in notes.items() if key not in inserted]
        if lost:  # another sweep inserted these keys meanwhile: it sends them
            Notification.objects.filter(pk__in=lost).delete()
        deliveries = Delivery.objects.bulk_create(
            Delivery(notification=note, to_address=note.recipient.email, subject=letters[key].subject[:200],
                     text=letters[key].text, html=letters[key].html)
            for key, note in notes.items() if key in inserted and note.recipient.email)
        if deliveries:
            _enqueue_batch_after_commit([d.pk for d in deliveries])
    return len(inserted)


def _reminder_keys_insert(reminders: Sequence[Due], notes: dict[str, Notification] | None = None,
                          ) -> list[tuple[int, str]]:
    """INSERT the keys (each with its notice), skip those another sweep inserted meanwhile; (id, key) of the
    rows inserted here."""
    notes = notes or {}
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    table = ops.quote_name(Reminder._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in ("key", "recipient_id", "kind", "due_on", "notification_id",
                                                     "created_at"))
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(reminders))
    params = [v for r in reminders
              for v in (r.key, r.recipient.pk, r.kind, ops.adapt_datefield_value(r.due_on),
                        getattr(notes.get(r.key), "pk", None), now)]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {rows} ON CONFLICT ({ops.quote_name('key')}) "
                       f"DO NOTHING RETURNING {ops.quote_name('id')}, {ops.quote_name('key')}", params)
        return [(pk, key) for pk, key in cursor.fetchall()]


def _enqueue_batch_after_commit(delivery_ids: list[int]) -> None:
    from .tasks import deliveries_send

    transaction.on_commit(lambda: deliveries_send.delay(delivery_ids=delivery_ids))


# ---- one rendering per kind of reminder -------------------------------------------------------------
@dataclass(frozen=True)
class _Letter:
    subject: str
    text: str
    html: str
    title: str  # the bell notice's
    body: str


_PLAIN = (str, int, float, Decimal, date, time, type(None), Promise)  # bool is an int; datetime a date
_MARK = "~~{}~~"  # URL characters: web_body treats a marked link like the link it stands for
_MARKED = re.compile(r"~~([A-Za-z_]\w*)~~")
_NOT_PLAIN_TEXT = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|://|——")


class _Stencils:
    """Each reminder template rendered once per kind of message, then filled per reminder.

    The kind is the template, the context's plain values and which per-reminder texts are empty: the recipient's
    name (`user`), the link (`url`) and every `Text` of the context. The rendering holds a marker for each of those
    texts; a reminder's subject, text and HTML are the rendering with its texts put in (escaped in the HTML, as
    the template would), and the notice's body is `web_body` of the marked text filled the same way when its texts
    cannot change what `web_body` removes (no line break, link or signature in them; else `web_body` of its own
    text). The first reminder of each kind is also rendered as `notify` would: if the two differ (a template that
    uses a marked value in another way), that kind is rendered one by one and a warning logged. A context with
    another value (a model instance) is rendered one by one, as before."""

    def __init__(self) -> None:
        self.kinds: dict[tuple, tuple[list[str], ...] | None] = {}
        with official_language():
            self.prefix = f"【{settings.PORTAL_NAME}】"
            self.portal_name = str(settings.PORTAL_NAME)

    def letter(self, due: Due) -> _Letter:
        context = due.context or {}
        if not all(isinstance(v, _PLAIN) for v in context.values()):
            return self._rendered(due)
        texts = {"user": str(due.recipient), "url": due.url}
        texts.update((k, str(v)) for k, v in context.items() if isinstance(v, Text))
        plain = {k: v for k, v in context.items() if not isinstance(v, Text)}
        for name in plain:
            texts.pop(name, None)  # a context value overrides user/url, as in notify
        kind = (due.template, tuple(sorted(plain.items(), key=lambda item: item[0])),
                tuple(sorted((k, bool(v)) for k, v in texts.items())))
        if kind not in self.kinds:
            stencil = self._stencil(due.template, plain, texts)
            self.kinds[kind] = stencil
            if stencil is not None:
                letter = self._filled(stencil, texts)
                if letter != self._rendered(due):
                    log.warning("reminder template %s: the one rendering per kind differs from rendering each "
                                "reminder; rendered one by one", due.template)
                    self.kinds[kind] = None
                return letter if self.kinds[kind] is not None else self._rendered(due)
        stencil = self.kinds[kind]
        return self._filled(stencil, texts) if stencil is not None else self._rendered(due)

    def _rendered(self, due: Due) -> _Letter:
        ctx = {"user": due.recipient, "url": due.url, "site_url": settings.SITE_URL,
               "portal_name": settings.PORTAL_NAME, **(due.context or {})}
        subject, text, html = _render(due.template, ctx)
        return _Letter(subject, text, html, web_title(subject)[:200], web_body(text))

    def _stencil(self, template: str, plain: dict[str, Any], texts: dict[str, str]) -> tuple[list[str], ...] | None:
        marked = {k: _MARK.format(k) if v else "" for k, v in texts.items()}
        ctx = {"user": marked.get("user", ""), "url": marked.get("url", ""), "site_url": settings.SITE_URL,
               "portal_name": settings.PORTAL_NAME, **marked, **plain}
        with official_language():
            subject = _render_text(f"emails/{template}.subject.txt", ctx)
            text = _render_text(f"emails/{template}.txt", ctx)
            html = render_to_string(f"emails/{template}.html", ctx)
        parts = tuple(_MARKED.split(s) for s in (subject, text, html, web_body(text)))
        if any(name not in texts for p in parts for name in p[1::2]):
            return None  # the template's own text looks like a marker
        return parts

    def _filled(self, stencil: tuple[list[str], ...], texts: dict[str, str]) -> _Letter:
        subject_parts, text_parts, html_parts, body_parts = stencil
        subject = one_line(_fill(subject_parts, texts))
        text = _fill(text_parts, texts)
        if self._plain(texts):
            body = _fill(body_parts, texts)
        else:
            body = web_body(text)
        escaped = {k: escape(v) for k, v in texts.items()}
        return _Letter(subject, text, _fill(html_parts, escaped), _web_title(subject, self.prefix)[:200], body)

    def _plain(self, texts: dict[str, str]) -> bool:
        url = texts.get("url", "")
        if url and not _URL.fullmatch("http://h" + url):
            return False
        return all(v == v.strip() and not _NOT_PLAIN_TEXT.search(v) and self.portal_name not in v
                   for k, v in texts.items() if k != "url")


def _fill(parts: list[str], texts: dict[str, str]) -> str:
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        out.append(texts[parts[i]])
        out.append(parts[i + 1])
    return "".join(out)


def remind_once(
    *, key: str, recipient: User, kind: str, template: str, context: dict[str, Any] | None = None,
    url: str = "", due_on: date | None = None,
) -> bool:
    """Send a reminder unless one with this key was already sent. Returns True if sent now."""
    return remind_many([Due(key=key, recipient=recipient, kind=kind, template=template, context=context, url=url,
                            due_on=due_on)]) == 1


def delivery_send_now(delivery_id: int) -> str:
    """Claim the delivery with a conditional UPDATE (no two workers send the same mail), then send.

    A claim older than PILOTBASE_DELIVERY_CLAIM_SECONDS (longer than EMAIL_TIMEOUT) belonged to a worker that died
    mid-send: the redelivered message (late acknowledgement) or the outbox sweep may take it over."""
    lost = timezone.now() - timedelta(seconds=settings.PILOTBASE_DELIVERY_CLAIM_SECONDS)
    claimed = Delivery.objects.filter(
        (Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]) | Q(status=DeliveryStatus.SENDING,
                                                                           claimed_at__lt=lost))
        & Q(attempts__lt=MAX_ATTEMPTS),
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
