"""Hooks that upper apps fill in their AppConfig.ready(), so pilotbase never imports them.

- dashboard panels per role (what waits for the user),
- navigation links per role,
- reminder sweepers run by the periodic task,
- demo-data seeders run by `manage.py seed_demo`, in order.
"""

from __future__ import annotations

from collections.abc import Callable
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


_dashboard: list[tuple[frozenset[str], Callable[[Any], Panel | None]]] = []
_nav: list[NavLink] = []
_sweepers: list[Callable[[], int]] = []
_seeders: list[tuple[int, str, Callable[..., None]]] = []


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


def panels_for(user: Any) -> list[Panel]:
    panels = [func(user) for roles, func in _dashboard if user.role in roles]
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)


def nav_for(user: Any) -> list[NavLink]:
    return sorted((link for link in _nav if user.role in link.roles), key=lambda link: link.order)


def sweepers() -> list[Callable[[], int]]:
    return list(_sweepers)


def seeders() -> list[tuple[int, str, Callable[..., None]]]:
    return sorted(_seeders, key=lambda s: s[0])
