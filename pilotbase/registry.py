"""The one registry that upper apps fill in (from their `hooks` modules, imported by AppConfig.ready()), so
pilotbase never imports them. Signal receivers live in each app's `receivers.py`, demo data in its `demo.py`.

Per role:
- dashboard panels (what waits for the user), navigation links;
Per subject model (the noun a record page and a timeline are about: `Application` today, `Base` next):
- detail panels on the subject's record page, `func(request, subject)` → (template, context) or None, with the
  facts each reads from the subject's own query (whether it has rows at all: a panel without them reads nothing);
- readers: who else may read a subject, `func(user)` → a queryset of the subject model or None;
- timeline restrictions: which roles may see the transitions of a stage record on any subject's timeline;
Global:
- reminder sweepers run by the periodic task, demo-data seeders run by `manage.py seed_demo`, in order;
- annual-report pre-fill providers, `func(base_ids, year)` → {base id: {report field: value}}: what an upper app
  (sharing: voucher income and outside clients from delivered service requests) knows of a base's year, read by
  evaluations when it creates a base's report (evaluations may not import the app above it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 50


@dataclass
class Panel:
    title: str
    count: int
    url: str = ""
    items: list[Any] = field(default_factory=list)
    empty_text: str = ""
    order: int = 50


DetailPanel = Callable[[Any, Any], "tuple[str, dict] | None"]
Reader = Callable[[Any], Any]
Facts = Callable[[], "dict[str, Any]"]

_dashboard: list[tuple[frozenset[str], Callable[[Any], Panel | None]]] = []
_detail_panels: dict[type, list[DetailPanel]] = {}
_detail_facts: dict[type, list[Facts]] = {}
_readers: dict[type, list[Reader]] = {}
_restricted: dict[type, frozenset[str]] = {}
_nav: list[NavLink] = []
_sweepers: list[Callable[[], int]] = []
_seeders: list[tuple[int, str, Callable[..., None]]] = []
_report_prefills: list[Callable[[list[int], int], dict[int, dict[str, Any]]]] = []


def register_panel(roles: set[str] | frozenset[str], func: Callable[[Any], Panel | None]) -> None:
    _dashboard.append((frozenset(roles), func))


def register_nav(link: NavLink) -> None:
    if link not in _nav:
        _nav.append(link)


def register_sweeper(func: Callable[[], int]) -> None:
    if func not in _sweepers:
        _sweepers.append(func)


def register_seeder(order: int, name: str, func: Callable[..., None]) -> None:
    if all(n != name for _, n, _ in _seeders):
        _seeders.append((order, name, func))


def register_report_prefill(func: Callable[[list[int], int], dict[int, dict[str, Any]]]) -> None:
    if func not in _report_prefills:
        _report_prefills.append(func)


def report_prefills() -> list[Callable[[list[int], int], dict[int, dict[str, Any]]]]:
    return list(_report_prefills)


def panels_for(user: Any) -> list[Panel]:
    panels = [func(user) for roles, func in _dashboard if user.role in roles]
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)


def nav_for(user: Any) -> list[NavLink]:
    return sorted((link for link in _nav if user.role in link.roles), key=lambda link: link.order)


def sweepers() -> list[Callable[[], int]]:
    return list(_sweepers)


def seeders() -> list[tuple[int, str, Callable[..., None]]]:
    return sorted(_seeders, key=lambda s: s[0])


# ---- per subject ------------------------------------------------------------------------------
def register_detail_panel(subject: type, func: DetailPanel, *, facts: Facts | None = None) -> DetailPanel:
    """`facts()` → {name: expression} (an `Exists`, a scalar `Subquery` over `OuterRef("pk")`): what the panel
    needs to know of the subject before it reads its own rows, annotated on the record page's one query of the
    subject (`with_detail_facts`), so a panel with nothing to show reads nothing (`known_none`)."""
    funcs = _detail_panels.setdefault(subject, [])
    if func not in funcs:
        funcs.append(func)
    if facts is not None and facts not in _detail_facts.setdefault(subject, []):
        _detail_facts[subject].append(facts)
    return func


def with_detail_facts(subject: type, qs: Any) -> Any:
    """`qs` (of `subject`) annotated with every registered panel's facts."""
    annotations: dict[str, Any] = {}
    for facts in _detail_facts.get(subject, []):
        annotations.update(facts())
    return qs.annotate(**annotations) if annotations else qs


def known_none(subject: Any, fact: str) -> bool:
    """True when `subject` was read with the `Exists` fact `fact` and there is none; False when there is one or the
    subject was read without its facts (the panel then reads its rows as it would anyway)."""
    return getattr(subject, fact, None) is False


def detail_panels_for(request: Any, subject: Any) -> list[tuple[str, dict]]:
    """The panels other stages add to `subject`'s record page: (template, context with the subject)."""
    key = subject._meta.model_name
    panels = []
    for func in _detail_panels.get(type(subject), []):
        result = func(request, subject)
        if result:
            template, ctx = result
            panels.append((template, {key: subject, "subject": subject, "request": request, **(ctx or {})}))
    return panels


def register_reader(subject: type, func: Reader) -> Reader:
    funcs = _readers.setdefault(subject, [])
    if func not in funcs:
        funcs.append(func)
    return func


def readable_extra(subject: type, user: Any) -> list[Any]:
    """Querysets of `subject` that later stages open to `user` for reading (e.g. an expert's seat)."""
    return [qs for qs in (func(user) for func in _readers.get(subject, [])) if qs is not None]


def restrict(record: type, *, visible_to: Iterable[str]) -> None:
    """Only `visible_to` roles see the transitions of `record` (a stage record) on a subject's timeline."""
    _restricted[record] = frozenset(visible_to)


def restricted() -> dict[type, frozenset[str]]:
    return dict(_restricted)
