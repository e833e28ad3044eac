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
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from html import escape as html_escape  # what django.utils.html.escape does, without a SafeString per value
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

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
    told = [due for due in part if due.key in letters]
    mailed = [due for due in told if due.recipient.email]
    with transaction.atomic():
        note_pks, mail_pks = _ids_take(len(told), len(mailed)) if _can_copy() else ([], [])
        note_ids = dict(zip((due.key for due in told), _rows_add(
            Notification, ("recipient_id", "kind", "title", "body", "url"),
            [(due.recipient.pk, due.kind, letters[due.key].title, letters[due.key].body, due.url) for due in told],
            ids=note_pks,
        ), strict=True))
        inserted = _reminder_keys_add(part, note_ids)
        lost = [pk for key, pk in note_ids.items() if key not in inserted]
        if lost:  # another sweep inserted these keys meanwhile: it sends them
            Notification.objects.filter(pk__in=lost).delete()
        mails = [due for due in mailed if due.key in inserted]
        delivery_ids = _rows_add(
            Delivery, ("notification_id", "to_address", "subject", "text", "html"),
            [(note_ids[due.key], due.recipient.email, (letter := letters[due.key]).subject[:200], letter.text,
              letter.html) for due in mails],
            ids=mail_pks[:len(mails)])
        if delivery_ids:
            _enqueue_batch_after_commit(delivery_ids)
    return len(inserted)


def _reminder_keys_add(part: Sequence[Due], note_ids: dict[str, int]) -> set[str]:
    """The part's keys, each with its notice; the keys inserted here. On PostgreSQL one COPY (the lookup found
    them new); a key a concurrent sweep inserted since makes it fail, and the part goes in again with INSERT …
    ON CONFLICT (key) DO NOTHING RETURNING, which skips it."""
    if _can_copy():
        try:
            with transaction.atomic():
                _rows_copy(Reminder, ("key", "recipient_id", "kind", "due_on", "notification_id"),
                           [(r.key, r.recipient.pk, r.kind, r.due_on, note_ids.get(r.key)) for r in part],
                           ids=None)
            return {r.key for r in part}
        except IntegrityError:
            pass  # the savepoint is rolled back: the part again, skipping what the other sweep inserted
    return {key for _pk, key in _reminder_keys_insert(part, note_ids)}


def _column_defaults(model: type[models.Model], given: Sequence[str]) -> tuple[list[str], list[Any]]:
    """The columns a bulk insert does not give, with their fields' defaults (auto_now: now), once per insert."""
    now = timezone.now()
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column in given:
            continue
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        columns.append(field.column)
        values.append(now if auto else field.get_default())
    return columns, values


def _rows_add(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple], *,
              ids: Sequence[int]) -> list[int]:
    """Many rows without a model instance each; their ids in the order given. PostgreSQL (psycopg2): COPY, less
    than half an INSERT's time for the mails' text, with the `ids` taken from the sequence (`_ids_take`); elsewhere
    one INSERT … RETURNING (`ids` unused)."""
    if _can_copy():
        return _rows_copy(model, columns, rows, ids=ids)
    return _rows_insert(model, columns, rows)


def _can_copy() -> bool:
    return connection.vendor == "postgresql" and getattr(connection.Database, "__name__", "") == "psycopg2"


def _ids_take(notices: int, mails: int) -> tuple[list[int], list[int]]:
    """Ids for a part's notices and its mails (no more than the notices) from their sequences in one query, for COPY,
    which returns none. Ids of mails not written after all (their keys another sweep inserted) are gaps in the
    sequence, as a rolled-back insert leaves."""
    if not notices:
        return [], []
    with connection.cursor() as cursor:
        cursor.execute(  # CASE evaluates nextval only for the rows that need a mail id
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')),"
            " CASE WHEN g <= %s THEN nextval(pg_get_serial_sequence(%s, 'id')) END"
            " FROM generate_series(1, %s) AS g ORDER BY g",
            [Notification._meta.db_table, mails, Delivery._meta.db_table, notices])
        found = cursor.fetchall()
    return [r[0] for r in found], [r[1] for r in found[:mails]]


def _rows_copy(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple], *,
               ids: Sequence[int] | None) -> list[int]:
    """COPY … FROM STDIN; the rows get the `ids` given (None: the table has no id column written here)."""
    if not rows:
        return []
    import io

    rest, rest_values = _column_defaults(model, columns)
    names = [*columns, *rest]
    table = model._meta.db_table
    tail = "".join("\t" + _copy_text(v) for v in rest_values)
    lines = ["\t".join([_copy_text(v) for v in row]) + tail for row in rows]
    if ids is not None:
        names.insert(0, "id")
        lines = [f"{pk}\t{line}" for pk, line in zip(ids, lines, strict=True)]
    quoted = ", ".join(connection.ops.quote_name(c) for c in names)
    with connection.cursor() as cursor, connection.wrap_database_errors:  # psycopg2's errors as Django's (IntegrityError)
        cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN",
                           io.StringIO("\n".join(lines) + "\n"))
    return list(ids or [])


def _copy_text(value: Any) -> str:
    """A value in COPY's text format (str.replace: translate is slow on CJK text)."""
    kind_of = type(value)
    if kind_of is int:
        return str(value)
    if kind_of is str or isinstance(value, str):
        if _COPY_SPECIAL.search(value):
            return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                    .replace("\r", "\\r"))
        return value
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, date | time):
        return value.isoformat()
    return _copy_text(str(value))


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def _rows_insert(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple], *,
                 conflict: str = "", returning: Sequence[str] = ("id",)) -> list:
    """One INSERT … VALUES (…), (…) RETURNING for many rows, without a model instance per row: `columns` are given
    per row (values ready for the database), every other column gets its field's default (auto_now: now) once.
    Rows come back in the order given (as bulk_create relies on). With `conflict` a column: ON CONFLICT DO NOTHING,
    and only the rows inserted come back."""
    if not rows:
        return []
    ops = connection.ops
    rest, rest_values = _column_defaults(model, columns)
    fields = {f.column: f for f in model._meta.concrete_fields}
    rest_values = [fields[c].get_db_prep_save(v, connection) for c, v in zip(rest, rest_values, strict=True)]
    names = ", ".join(ops.quote_name(c) for c in (*columns, *rest))
    one = "(" + ", ".join(["%s"] * (len(columns) + len(rest))) + ")"
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) VALUES {', '.join([one] * len(rows))}"
    if conflict:
        sql += f" ON CONFLICT ({ops.quote_name(conflict)}) DO NOTHING"
    sql += " RETURNING " + ", ".join(ops.quote_name(c) for c in returning)
    params = [v for row in rows for v in (*row, *rest_values)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return [r[0] for r in found] if len(returning) == 1 else [tuple(r) for r in found]


def _reminder_keys_insert(reminders: Sequence[Due], note_ids: dict[str, int] | None = None,
                          ) -> list[tuple[int, str]]:
    """INSERT the keys (each with its notice), skip those another sweep inserted meanwhile; (id, key) of the
    rows inserted here."""
    note_ids = note_ids or {}
    ops = connection.ops
    return _rows_insert(
        Reminder, ("key", "recipient_id", "kind", "due_on", "notification_id"),
        [(r.key, r.recipient.pk, r.kind, ops.adapt_datefield_value(r.due_on), note_ids.get(r.key)) for r in reminders],
        conflict="key", returning=("id", "key"))


def _enqueue_batch_after_commit(delivery_ids: list[int]) -> None:
    """One message for the part's mails; with the broker down the rows stay pending for the outbox sweep."""
    from .queue import enqueue
    from .tasks import deliveries_send

    transaction.on_commit(lambda: enqueue(deliveries_send, delivery_ids=delivery_ids))


# ---- one rendering per kind of reminder -------------------------------------------------------------
@dataclass(frozen=True)
class _Letter:
    subject: str
    text: str
    html: str
    title: str  # the bell notice's
    body: str


_PLAIN = (str, int, float, Decimal, date, time, type(None), Promise)  # bool is an int; datetime a date
_PLAIN_TYPES = frozenset({str, int, bool, float, Decimal, date, datetime, time, type(None)})
_PATH_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/"
_MARK = "~~{}~~"  # URL characters: web_body treats a marked link like the link it stands for
_MARKED = re.compile(r"~~([A-Za-z_]\w*)~~")
_NOT_PLAIN_TEXT = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|://|——")


def _plain_rows(values: tuple) -> bool:
    """A tuple of plain values, or of such tuples (a digest's rows, looped over by its template): plain too, part of
    the kind — every recipient of one digest shares its rendering."""
    return all(_plain_rows(v) if type(v) is tuple else type(v) in _PLAIN_TYPES or isinstance(v, _PLAIN)
               for v in values)


class _Stencils:
    """Each reminder template rendered once per kind of message, then filled per reminder.

    The kind is the template, the context's plain values and which per-reminder texts are empty: the recipient's
    name (`user`), the link (`url`) and every `Text` of the context. The rendering holds a marker for each of those
    texts; a reminder's subject, text and HTML are the rendering with its texts put in (escaped in the HTML, as
    the template would), and the notice's body is `web_body` of the marked text filled the same way when its texts
    cannot change what `web_body` removes (no line break, link or signature in them; else `web_body` of its own
    text). The first reminder of each kind is also rendered as `notify` would: if the two differ (a template that
    uses a marked value in another way), that kind is rendered one by one and a warning logged. A tuple of plain
    values (rows of them) is plain. A context with another value (a model instance, a list) is rendered one by one,
    as before."""

    def __init__(self) -> None:
        self.kinds: dict[tuple, tuple[str, ...] | None] = {}
        self._names: dict[int, str] = {}  # recipient → str(recipient); the caches: names repeat across reminders
        self._escaped: dict[str, str] = {}
        self._plain_texts: dict[str, bool] = {}
        with official_language():
            self.prefix = f"【{settings.PORTAL_NAME}】"
            self.portal_name = str(settings.PORTAL_NAME)

    def letter(self, due: Due) -> _Letter:
        recipient = due.recipient
        name = self._names.get(recipient.pk)
        if name is None:
            name = self._names[recipient.pk] = str(recipient)
        texts = {"user": name, "url": due.url}
        plain = {}
        for key, value in (due.context or {}).items():
            kind_of = type(value)
            if kind_of is Text:
                texts[key] = value
            elif kind_of in _PLAIN_TYPES or isinstance(value, _PLAIN) or (kind_of is tuple and _plain_rows(value)):
                plain[key] = value
                texts.pop(key, None)  # a context value overrides user/url, as in notify
            else:
                return self._rendered(due)  # a model instance, a list …
        kind = (due.template, tuple(plain.items()), tuple((k, not v) for k, v in texts.items()))
        stencil = self.kinds.get(kind, False)
        if stencil is False:
            stencil = self.kinds[kind] = self._stencil(due.template, plain, texts)
            if stencil is not None and self._filled(stencil, texts) != self._rendered(due):
                log.warning("reminder template %s: the one rendering per kind differs from rendering each "
                            "reminder; rendered one by one", due.template)
                stencil = self.kinds[kind] = None
        return self._filled(stencil, texts) if stencil is not None else self._rendered(due)

    def _rendered(self, due: Due) -> _Letter:
        ctx = {"user": due.recipient, "url": due.url, "site_url": settings.SITE_URL,
               "portal_name": settings.PORTAL_NAME, **(due.context or {})}
        subject, text, html = _render(due.template, ctx)
        return _Letter(subject, text, html, web_title(subject)[:200], web_body(text))

    def _stencil(self, template: str, plain: dict[str, Any], texts: dict[str, str]) -> tuple[str, ...] | None:
        """The four renderings (subject, text, HTML, bell body) as format strings with a field per text."""
        marked = {k: _MARK.format(k) if v else "" for k, v in texts.items()}
        ctx = {"user": marked.get("user", ""), "url": marked.get("url", ""), "site_url": settings.SITE_URL,
               "portal_name": settings.PORTAL_NAME, **marked, **plain}
        with official_language():
            subject = _render_text(f"emails/{template}.subject.txt", ctx)
            text = _render_text(f"emails/{template}.txt", ctx)
            html = render_to_string(f"emails/{template}.html", ctx)
        formats = []
        for rendered in (subject, text, html, web_body(text)):
            parts = _MARKED.split(rendered)
            if any(name not in texts for name in parts[1::2]):
                return None  # the template's own text looks like a marker
            formats.append("".join(part.replace("{", "{{").replace("}", "}}") if i % 2 == 0 else f"{{{part}}}"
                                   for i, part in enumerate(parts)))
        return tuple(formats)

    def _filled(self, stencil: tuple[str, ...], texts: dict[str, str]) -> _Letter:
        subject_format, text_format, html_format, body_format = stencil
        subject = one_line(subject_format.format_map(texts))
        text = text_format.format_map(texts)
        body = body_format.format_map(texts) if self._plain(texts) else web_body(text)
        escaped = {}
        for key, value in texts.items():
            done = self._escaped.get(value)
            if done is None:
                done = self._escaped[value] = html_escape(value)
            escaped[key] = done
        return _Letter(subject, text, html_format.format_map(escaped), _web_title(subject, self.prefix)[:200], body)

    def _plain(self, texts: dict[str, str]) -> bool:
        """Whether web_body of the marked text, filled, is web_body of the text: the link is made of path characters
        only (so the marker and the link end the same) and no other text holds a line break, a link or the
        signature, or starts or ends with a space."""
        for key, value in texts.items():
            if key == "url":
                if value and (value.strip(_PATH_CHARS) or value[-1] in ".,;:?!"):
                    return False
                continue
            plain = self._plain_texts.get(value)
            if plain is None:
                plain = self._plain_texts[value] = (value == value.strip() and not _NOT_PLAIN_TEXT.search(value)
                                                    and self.portal_name not in value)
            if not plain:
                return False
        return True


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
