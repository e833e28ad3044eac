"""The later stages' pages (绩效考核, 奖补, 开放共享) for the bench's page list: the records they open are the
ones the seed makes largest (the latest published round, its reward year, a base of the lead unit's with its five
years), so the same code reads ~10 rows on the template and thousands at scale."""

from __future__ import annotations

from typing import Any


def personas() -> dict[str, Any]:
    """The lead unit (the demo applicant whose unit leads a base: the seed points bench bases at it) and the
    requester (the demo requester: every bench service request is its unit's)."""
    from pilotbase.models import Role, User

    demo = User.objects.filter(username__startswith="demo", is_active=True).order_by("id")
    return {"lead unit": demo.filter(role=Role.APPLICANT, organization__led_bases__isnull=False).first(),
            "requester": demo.filter(role=Role.REQUESTER).first()}


def stage_pages(users: dict[str, Any] | None = None) -> list[tuple[str, str | None, str]]:
    from django.urls import reverse

    from evaluations.models import EvaluationRound
    from pilotbase.models import Base
    from subsidies.models import RewardYear

    pages: list[tuple[str, str | None, str]] = [
        ("evaluation dashboard", "department", reverse("evaluations:dashboard")),
        ("rectification list", "department", reverse("evaluations:rectification_list")),
        ("revocation list", "department", reverse("evaluations:revocation_list")),
        ("ledger", "department", reverse("subsidies:ledger_list")),
        ("construction grants", "department", reverse("subsidies:construction_list")),
        ("reward years", "department", reverse("subsidies:reward_year_list")),
        ("recoveries", "department", reverse("subsidies:recovery_list")),
        ("service catalogue (staff)", "department", reverse("sharing:offering_list")),
        ("service requests (staff)", "department", reverse("sharing:request_staff_list")),
        ("voucher usage", "department", reverse("sharing:voucher_usage")),
        # 我的基地 (evaluations:base_mine) redirects a unit with several bases to their list: the list is the page
        ("lead unit: my bases", "lead unit", reverse("evaluations:base_list")),
        ("lead unit: my annual reports", "lead unit", reverse("evaluations:report_mine")),
        ("lead unit: incoming requests", "lead unit", reverse("sharing:request_incoming")),
        ("requester dashboard", "requester", reverse("dashboard")),
        ("requester: my requests", "requester", reverse("sharing:request_mine")),
    ]
    published = EvaluationRound.objects.filter(state="published").order_by("-year").first()
    if published:
        pages += [
            ("round reports (published)", "department", reverse("evaluations:report_list", args=[published.pk])),
            ("round evaluations", "department", reverse("evaluations:evaluation_list", args=[published.pk])),
            ("round grades", "department", reverse("evaluations:round_grades", args=[published.pk])),
            ("round page (published)", "department", reverse("evaluations:round_detail", args=[published.pk])),
        ]
    current = EvaluationRound.objects.filter(state="reports_open").order_by("-year").first()
    if current:
        pages += [("round reports (open)", "department", reverse("evaluations:report_list", args=[current.pk])),
                  ("round page (open, its base boxes)", "department",
                   reverse("evaluations:round_detail", args=[current.pk]))]
    reward_year = RewardYear.objects.order_by("-evaluation_year").first()
    if reward_year:
        pages.append(("reward year detail", "department",
                      reverse("subsidies:reward_year_detail", args=[reward_year.pk])))
    lead = (users or personas()).get("lead unit")
    base = Base.objects.filter(lead_unit_id=lead.organization_id).order_by("-id").first() if lead else None
    if base:
        detail = reverse("evaluations:base_detail", args=[base.pk])
        pages += [("base history (staff)", "department", detail), ("base history (lead unit)", "lead unit", detail),
                  ("public base page (catalogue)", None, reverse("public:base_detail", args=[base.pk]))]
    return pages
