from django import template
from django.utils.html import format_html

from .. import formats

register = template.Library()

# Badge colours by state name; states share names across records on purpose.
BADGE = {
    "draft": "secondary", "submitted": "primary", "resubmitted": "primary", "returned": "warning",
    "withdrawn": "dark", "declined": "danger", "rejected": "danger", "recommended": "info",
    "pending": "secondary", "passed": "success", "failed": "danger", "certified": "success",
    "active": "success", "valid": "success", "revoked": "danger", "rectifying": "warning",
    "published": "success", "closed": "dark", "open": "success",
    "awaiting_email": "secondary", "awaiting_approval": "warning", "approved": "success", "expired": "dark",
}


@register.filter
def cn_date(value):
    return formats.cn_date(value)


@register.filter
def yuan(value):
    return formats.yuan(value)


@register.filter
def wan_yuan(value):
    return formats.wan_yuan(value)


@register.simple_tag
def state_badge(obj, field="state"):
    state = getattr(obj, field)
    label = getattr(obj, f"get_{field}_display")()
    return format_html('<span class="badge text-bg-{} state-badge" data-state="{}">{}</span>', BADGE.get(state, "secondary"), state, label)


@register.filter
def days_left(value):
    """Whole days from today until a date or datetime (negative when past)."""
    return formats.days_until(value)


@register.filter
def deadline(value, kind=""):
    """`{{ seat.due_on|deadline }}`: 还剩 N 天 / 今天截止 / 已逾期 N 天; `{{ call.closes_at|deadline:"closes" }}` says
    已截止 once past. A number is taken as the days left already (`{{ grant.left|deadline }}`)."""
    days = value if isinstance(value, int) or value is None else formats.days_until(value)
    return formats.days_left_text(days, closes=kind == "closes")


@register.filter
def dict_get(mapping, key):
    """`{{ forms|dict_get:action.name }}`: a mapping's value by a variable key (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
