"""Registry contributions of 开放共享 (vouchers): staff's nav link to 创新券使用情况, and the annual report's pre-fill
provider (a base's voucher income and outside clients of the report's year from its delivered service requests;
evaluations calls it through the registry, since it may not import sharing)."""

from django.utils.translation import gettext_lazy as _

from pilotbase.models import Role
from pilotbase.registry import NavLink, register_nav, register_report_prefill

register_nav(NavLink(_("创新券使用情况"), "sharing:voucher_usage", frozenset({Role.DEPARTMENT, Role.ADMIN}), order=66))


def report_prefill(base_ids, year):
    from ..selectors_vouchers import report_prefill as figures

    return figures(base_ids, year)


register_report_prefill(report_prefill)
