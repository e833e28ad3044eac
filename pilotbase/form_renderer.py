"""The form renderer: Django's own widget and form templates through Jinja2, the project's through Django's engine.

Why: Django renders a `<select>` with a template include per option (and another for its attributes); a list
page's filter form of six selects spent ~10 ms of its ~38 ms there (the department's application list, measured
with the bench). Django ships the same templates for Jinja2 (`django/forms/jinja2/`), producing the same HTML,
several times faster. A widget or form template of the project's own (`applications/widgets/org_search.html`)
is not a Jinja2 template: it is looked up in the Django renderer, so the project keeps one template language.
"""

from __future__ import annotations

from functools import cached_property

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class PortalFormRenderer(Jinja2):
    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()

    @cached_property
    def _django_names(self) -> set[str]:
        return set()  # the names Jinja2 has not got: asked of Django directly the next time (no search per render)

    def get_template(self, template_name: str):
        if template_name not in self._django_names:
            try:
                return super().get_template(template_name)
            except TemplateDoesNotExist:
                self._django_names.add(template_name)
        return self._django.get_template(template_name)
