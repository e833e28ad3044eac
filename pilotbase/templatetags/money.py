"""Money filters: `{% load money %}` then `{{ grant.amount|amount }}` (1,234.00), `|capitals` (壹仟贰佰叁拾肆元整),
`|amount_text` (1,234.00元（大写：…）); `yuan` and `wan_yuan` stay in `portal`."""

from django import template

from .. import money

register = template.Library()


@register.filter
def amount(value):
    return money.amount(value)


@register.filter
def capitals(value):
    return "" if value is None or value == "" else money.capitals(value)


@register.filter
def amount_text(value):
    return "" if value is None or value == "" else money.amount_text(value)
