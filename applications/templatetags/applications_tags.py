from django import template

from ..snapshots import display_value, field_label

register = template.Library()


@register.simple_tag
def field_row(instance, name):
    """{"label", "value"} of a model field, shown the same way as in the snapshot and the PDF."""
    return {"label": field_label(type(instance), name), "value": display_value(instance, name)}
