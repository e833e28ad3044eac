"""Every role's pages with the in-process client, interleaved (round-robin over pages, several rounds), beside
the floor and the Django admin changelist of applications with the same filter."""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .pages_stages import personas as stage_personas
from .pages_stages import stage_pages


def personas() -> dict[str, Any]:
    from pilotbase.models import Role, User

    users = {}
    for role in (Role.APPLICANT, Role.AUTHORITY, Role.DEPARTMENT, Role.AGENCY, Role.EXPERT):
        # the demo login of each role (it owns the demo's records), else the first of the role
        users[str(role)] = (User.objects.filter(role=role, username__startswith="demo").order_by("id").first()
                            or User.objects.filter(role=role).order_by("id").first())
    users["admin"] = User.objects.filter(is_superuser=True).order_by("id").first()
    users.update(stage_personas())
    return users


SIGNED_IN_FLOOR = "floor, signed in"

# pages of one applicant's own record: the mixed HTTP load asks them as their owner only (another unit gets 404)
OWNER_ONLY = {"applicant: edit a returned one"}


def page_list(long_timeline_id: int | None = None) -> list[tuple[str, str | None, str]]:
    """(name, persona, url); the admin changelist and the floor are pages like the others."""
    from django.db.models import Count, Func, IntegerField
    from django.urls import reverse

    from applications.models import Application
    from pilotbase.models import Certificate
    from reviews.models import Assessment, ExpertAssignment, PanelDraw, PublicNotice

    app_list = reverse("applications:list")
    call = Application.objects.filter(state="under_review").values_list("call_id", flat=True).first() or ""
    cert = Certificate.objects.order_by("id").first()
    users = personas()
    ranked_call = (Assessment.objects.values_list("commission__call", flat=True).annotate(n=Count("id"))
                   .order_by("-n", "commission__call").first() or "")
    returned = (Application.objects.filter(state="returned", applicant_id=users["applicant"].organization_id)
                .order_by("id").values_list("pk", flat=True).first() or 0)
    drawn = (PanelDraw.objects.filter(assessment__commission__agency_id=users["agency"].organization_id)
             .annotate(n=Func("candidates", function="jsonb_array_length", output_field=IntegerField()))
             .order_by("-n", "id").values_list("assessment_id", flat=True).first())
    notice = (PublicNotice.objects.filter(state="closed", kind="certification").annotate(n=Count("entries"))
              .order_by("-n", "id").values_list("pk", flat=True).first())
    seat = (ExpertAssignment.objects.filter(expert__user=users["expert"]).order_by("-state", "id")  # a submitted seat first (its scores shown)
            .values_list("pk", flat=True).first())
    pages = [
        ("floor", None, "/__bench__/floor/"),
        # the same bare view for a signed-in user: what the framework's session and user reading (and the portal's
        # context processor: the bell's count) cost any signed-in page before base.html and its own content
        (SIGNED_IN_FLOOR, "department", "/__bench__/floor/"),
        ("admin changelist (state filter)", "admin", "/admin/applications/application/?state__exact=under_review"),
        ("applicant dashboard", "applicant", reverse("dashboard")),
        ("applicant: my applications", "applicant", reverse("applications:mine")),
        ("authority dashboard", "authority", reverse("dashboard")),
        ("authority queue", "authority", reverse("reviews:rec_queue")),
        ("department dashboard", "department", reverse("dashboard")),
        ("department list", "department", app_list),
        ("department list ?state", "department", app_list + "?state=under_review"),
        ("department list ?call&sort", "department", f"{app_list}?call={call}&sort=acceptance"),
        ("department list page 200", "department", app_list + "?page=200"),
        ("department list page 200 by its link", "department", _page_link(app_list, 200)),
        ("department list ?q=科技", "department", app_list + "?q=科技"),
        ("department list ?q=量子 (no row)", "department", app_list + "?q=量子"),
        ("formal-check queue", "department", reverse("reviews:fc_queue")),
        ("staff base list", "department", reverse("reviews:cert_base_list")),
        ("staff notice list", "department", reverse("reviews:notice_list")),
        ("agency dashboard", "agency", reverse("dashboard")),
        ("expert: my seats", "expert", reverse("reviews:assess_my")),
        ("public base list", None, reverse("public:base_list")),
        ("public notice list", None, reverse("public:notice_list")),
        ("ranking, call with most assessments", "department", f"{reverse('reviews:assess_ranked')}?call={ranked_call}"),
        ("agency: commissions", "agency", reverse("reviews:assess_commissions")),
        ("applicant: edit a returned one", "applicant", reverse("applications:edit", args=[returned, "basic"])),
    ]
    pages += stage_pages()
    if long_timeline_id:
        pages.append(("application, 400-row timeline", "department",
                      reverse("applications:detail", args=[long_timeline_id])))
    if drawn:
        pages.append(("agency: assessment with draws", "agency", reverse("reviews:assess_detail", args=[drawn])))
    if notice:
        pages.append(("public notice of a closed call", None, reverse("public:notice_detail", args=[notice])))
    if seat:
        pages.append(("expert: a seat", "expert", reverse("reviews:assess_assignment", args=[seat])))
    if cert:
        pages.append(("verification page", None, reverse("public:verify", args=[cert.token])))
    return pages


def _page_link(app_list: str, number: int) -> str:
    """The 下一页 link of page number-1 of the department's list (its `after=` cursor), as the page's own link."""
    from applications.selectors import application_list
    from applications.views.listing import PAGE_SIZE
    from pilotbase.keyset import cursor_after

    qs = application_list(personas()["department"])
    last = next(iter(qs[(number - 1) * PAGE_SIZE - 1:(number - 1) * PAGE_SIZE]), None)
    return f"{app_list}?page={number}&after={cursor_after(qs, last)}" if last else f"{app_list}?page={number}"


def clients(users: dict[str, Any]) -> dict[str | None, Client]:
    out: dict[str | None, Client] = {None: Client()}
    for name, user in users.items():
        if user is not None:
            c = Client()
            c.force_login(user)
            out[name] = c
    return out


def query_counts(pages, cl) -> dict[str, int]:
    counts = {}
    for name, persona, url in pages:
        if persona not in cl:
            continue
        cl[persona].get(url)  # warm-up (content types, caches)
        with CaptureQueriesContext(connection) as ctx:
            cl[persona].get(url)
        counts[name] = len(ctx.captured_queries)
    return counts


def measure(pages, cl, rounds: int) -> dict[str, dict]:
    times: dict[str, list[float]] = {name: [] for name, _p, _u in pages}
    meta: dict[str, dict] = {}
    for name, persona, url in pages:  # warm-up round
        if persona in cl:
            r = cl[persona].get(url)
            meta[name] = {"status": r.status_code, "bytes": len(r.content), "url": url, "persona": persona}
    for _ in range(rounds):
        for name, persona, url in pages:
            if persona not in cl:
                continue
            t0 = time.perf_counter()
            cl[persona].get(url)
            times[name].append((time.perf_counter() - t0) * 1000)
    out = {}
    for name, values in times.items():
        if not values:
            continue
        values.sort()
        p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
        out[name] = {**meta[name], "median_ms": round(statistics.median(values), 2), "p95_ms": round(p95, 2)}
    floor, admin = out["floor"]["median_ms"], out["admin changelist (state filter)"]["median_ms"]
    floor_p95, floor_in_p95 = out["floor"]["p95_ms"], out.get(SIGNED_IN_FLOOR, out["floor"])["p95_ms"]
    for row in out.values():
        row["x_floor"] = round(row["median_ms"] / floor, 1)
        # the p95 over the p95 of the floor of its kind (the target: ≤ 10×): a signed-in page beside the signed-in
        # floor, a public page beside the floor
        row["x_own_floor_p95"] = round(row["p95_ms"] / (floor_in_p95 if row["persona"] else floor_p95), 1)
        row["x_admin"] = round(row["median_ms"] / admin, 2)
    return out
