"""Prints docs/workflows.md: one Mermaid state diagram per FSM field, read from the code."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django_fsm import FSMFieldMixin

from pilotbase.workflow import transition_label

PROJECT_APPS = ("pilotbase", "applications", "reviews", "evaluations", "subsidies", "sharing", "public")


def _id(state: str) -> str:
    return state.replace("-", "_")


def _clean(text: str) -> str:
    return str(text).replace(":", "：").replace(";", "；").replace("\n", " ")


def arrow_text(t) -> str:
    """The arrow's label: the transition's name, who may run it, and the conditions it needs."""
    predicate = getattr(t.permission, "predicate", None)
    who = getattr(predicate, "name", None) or getattr(t.permission, "__name__", "") or "—"
    parts = [transition_label(t.method), f"权限 {who}"]
    conds = [str(getattr(c, "message", "") or c.__name__) for c in t.conditions]
    if conds:
        parts.append("条件 " + " / ".join(conds))
    return _clean(" · ".join(parts))


def diagram(model, field) -> str:
    labels = dict(field.choices or [])
    lines = ["```mermaid", "stateDiagram-v2"]
    for value, label in labels.items():
        lines.append(f'    state "{label}" as {_id(value)}')
    lines.append(f"    [*] --> {_id(field.default)}")
    seen = set()
    for t in field.get_all_transitions(model):
        sources = list(labels) if t.source == "*" else [t.source]
        for source in sources:
            key = (source, t.target, t.name)
            if key in seen or t.target is None:
                continue
            seen.add(key)
            lines.append(f"    {_id(source)} --> {_id(t.target)}: {arrow_text(t)}")
    lines.append("```")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Writes the Mermaid state diagrams of every FSM-governed model to stdout (make diagrams)."

    def handle(self, *args, **options):
        out = [
            "# Workflows",
            "",
            "Generated from the FSM declarations by `make diagrams` (`manage.py fsm_diagrams`); do not edit by hand.",
            "Each arrow reads: the transition's label · 权限 (its `permission=` predicate, see each app's `rules.py`)",
            "· 条件 (its `conditions=`, by the message shown when one is not met).",
        ]
        for app_label in PROJECT_APPS:
            for model in apps.get_app_config(app_label).get_models():
                for field in model._meta.fields:
                    if isinstance(field, FSMFieldMixin):
                        out += ["", f"## {model._meta.verbose_name} (`{model.__module__}.{model.__name__}.{field.name}`)",
                                "", diagram(model, field)]
        self.stdout.write("\n".join(out) + "\n")
