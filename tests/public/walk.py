"""A crawler of the public side, as an anonymous visitor: every public URL pattern of the URLconf, with arguments from
the data (every row, public or not, and one that does not exist), the query strings the data offers (each filter's
values, small API pages), and every link a page or an API answer gives (pagination, record pages, verification).

A public URL pattern is one in the `public` or `api` namespace, or one whose view lives in the `public` app (the
front door, self-registration, the old verification address). `ARGS` says where a pattern's arguments come from;
a new pattern without a line there fails the walk (`patterns_without_args`).
"""

from __future__ import annotations

import html
import io
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

from django.core.cache import cache
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from applications.models import Call
from evaluations.models import EvaluationRound
from pilotbase.models import Base, BaseStatus, Certificate, City, Industry, Registration
from reviews.models import NoticeKind, PublicNotice
from sharing.models import ServiceKind

LIMIT = 3000  # pages at most: a loop of links fails loudly instead of running for ever
NAMESPACES = ("public", "api")


def public_patterns() -> dict[str, str]:
    """{"namespace:name": route} of every public pattern in the URLconf."""
    found: dict[str, str] = {}

    def visit(resolver, prefix: str, namespace: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace]))
                visit(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                module = getattr(p.callback, "__module__", "")
                if namespace.split(":")[0] in NAMESPACES or module.startswith("public."):
                    found[":".join(filter(None, [namespace, p.name]))] = prefix + str(p.pattern)

    visit(get_resolver(), "", "")
    return found


def _pks(model, **filters) -> list[dict]:
    """Every row's pk, and one past the last (a 404 must say nothing either)."""
    pks = list(model._default_manager.filter(**filters).values_list("pk", flat=True))
    return [{"pk": pk} for pk in [*pks, max(pks, default=0) + 1000]]


def _tokens() -> list[dict]:
    return [{"token": t} for t in Certificate.objects.values_list("token", flat=True)]


def _years() -> list[dict]:
    years = list(EvaluationRound.objects.values_list("year", flat=True))
    return [{"year": y} for y in [*years, 1999]]


BOGUS_TOKEN = [{"token": "not-a-valid-token"}]

# Where each pattern with arguments gets them from (patterns without arguments need no line).
ARGS: dict[str, Callable[[], list[dict]]] = {
    "public:call_detail": lambda: _pks(Call),
    "public:notice_detail": lambda: _pks(PublicNotice),
    "public:objection": lambda: _pks(PublicNotice),
    "public:base_detail": lambda: _pks(Base),
    "public:verify": _tokens,
    "verify_legacy": _tokens,
    "public:evaluation_results": _years,
    "public:evaluation_results_xlsx": _years,
    "public:evaluation_announcement_pdf": _years,
    "api:base_detail": lambda: _pks(Base),
    "api:notice_detail": lambda: _pks(PublicNotice),
    "api:result_detail": _years,
    "api:certificate_detail": lambda: [{"number": n} for n in Certificate.objects.values_list("number", flat=True)]
    + [{"number": "桂科中试认〔1999〕第99号"}],
    "register_confirm": lambda: BOGUS_TOKEN,
    "invite_accept": lambda: BOGUS_TOKEN,
    "registration_detail": lambda: _pks(Registration),  # staff pages of the public app: anonymous → login
}


def _query(url: str, **params) -> str:
    return f"{url}?{urlencode(params)}"


def query_variants() -> list[str]:
    """Each filter with each value the data offers, and small API pages so that pagination is followed."""
    bases, api_bases = reverse("public:base_list"), reverse("api:base_list")
    revoked = list(Base.objects.filter(state=BaseStatus.REVOKED).values_list("name", flat=True))
    urls = [_query(bases, vouchers="on"), *(_query(bases, service_kind=k) for k in ServiceKind.values)]
    urls += [_query(bases, city=pk) for pk in City.objects.values_list("pk", flat=True)]
    urls += [_query(bases, industry=pk) for pk in Industry.objects.values_list("pk", flat=True)]
    urls += [_query(bases, batch=b) for b in Base.objects.values_list("batch", flat=True).distinct()]
    urls += [_query(bases, q=name) for name in revoked]
    urls += [_query(api_bases, status=s) for s in BaseStatus.values]
    urls += [_query(api_bases, city=c) for c in City.objects.values_list("code", flat=True)]
    urls += [_query(api_bases, industry=c) for c in Industry.objects.values_list("code", flat=True)]
    urls += [_query(api_bases, q=name) for name in revoked]
    urls += [_query(api_bases, page_size=5), _query(api_bases, status=BaseStatus.REVOKED, page_size=1)]
    notices = reverse("api:notice_list")
    urls += [_query(notices, status=s) for s in ("published", "closed")]
    urls += [_query(notices, kind=k) for k in NoticeKind.values]
    urls += [_query(notices, page_size=1), _query(reverse("api:result_list"), page_size=1)]
    return urls


def patterns_without_args(patterns: dict[str, str]) -> list[str]:
    return sorted(name for name, route in patterns.items() if "<" in route and name not in ARGS)


def start_urls(patterns: dict[str, str]) -> list[str]:
    urls = []
    for name in patterns:
        for kwargs in (ARGS[name]() if name in ARGS else [{}]):
            try:
                urls.append(reverse(name, kwargs=kwargs))
            except NoReverseMatch:  # a route that no value reverses (e.g. a nonexistent pk that is still an int)
                raise AssertionError(f"{name}: cannot reverse with {kwargs}") from None
    return [*urls, *query_variants()]


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    text: str  # what a reader gets: HTML unescaped plus its text, JSON re-dumped, a workbook's cells, a PDF's text
    data: object = None  # parsed JSON


@dataclass
class Walk:
    pages: dict[str, Page] = field(default_factory=dict)
    walked: set[str] = field(default_factory=set)  # "namespace:name" of every pattern a request reached


def _read(response) -> tuple[str, object]:
    content_type = response.get("Content-Type", "")
    body = response.content
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        cells = []
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                for v in row:
                    if isinstance(v, float):  # an amount or a score; an int is a count
                        cells += [str(v), f"{v:.2f}", f"{v:,.2f}"]
                    elif v is not None:
                        cells.append(str(v))
        return "\n".join(cells), None
    if "pdf" in content_type:
        from pypdf import PdfReader

        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages), None
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type:
        data = json.loads(text)
        return json.dumps(data, ensure_ascii=False), data
    if "html" in content_type and text.strip():
        import lxml.html

        return html.unescape(text) + "\n" + lxml.html.fromstring(text).text_content(), None
    return text, None


def _links(page: Page, raw: str) -> list[str]:
    found = []
    if page.data is not None:
        stack = [page.data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack += item.values()
            elif isinstance(item, list):
                stack += item
            elif isinstance(item, str) and (item.startswith("/") or item.startswith("http://testserver/")):
                found.append(item)
    elif "html" in page.content_type and raw.strip():
        import lxml.html

        found = lxml.html.fromstring(raw).xpath("//a/@href")
    urls = []
    for href in found:
        parts = urlsplit(urljoin(page.url, href))
        if parts.netloc not in ("", "testserver"):
            continue
        urls.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return urls


def _name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def walk(client, patterns: dict[str, str]) -> Walk:
    """GET every start URL and every public link found, breadth first, each URL once."""
    result = Walk()
    queue, seen = deque(start_urls(patterns)), set()
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        name = _name(urlsplit(url).path)
        if name not in patterns:
            continue
        assert len(result.pages) < LIMIT, f"more than {LIMIT} public pages: a loop of links?"
        cache.clear()  # the anonymous rate limits count in the cache: the walk is one visitor making many requests
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        result.walked.add(name)
        raw = response.content.decode("utf-8", errors="replace") if "text/html" in response.get(
            "Content-Type", "") else ""
        text, data = _read(response)
        page = Page(url, response.status_code, response.get("Content-Type", ""), text, data)
        result.pages[url] = page
        queue.extend(_links(page, raw))
        if response.status_code in (301, 302) and response.get("Location"):
            queue.append(response["Location"])
    return result
