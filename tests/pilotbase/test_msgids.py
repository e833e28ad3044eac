"""The catalogue's msgids are each used one way: a message marked with a plural (ngettext, `blocktrans count`) is
never also marked without one (gettext, `trans`, a plain `blocktrans`) with the same context. makemessages merges
the two into one entry with a plural, and the plain usage then looks its text up in a plural entry (an English
page showed the Chinese or the wrong form). Counts of days go through `pilotbase.formats.days_left_text` (the
`deadline` filter); a spreadsheet's 行 carries its own context."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings
from django.utils.translation.template import templatize

from pilotbase.formats import days_left_text

ROOT = Path(settings.BASE_DIR)
SKIP = {".venv", "node_modules", "locale", "tests", "static", "staticfiles", "media", ".git", "scripts"}
SINGULAR = {"_", "_l", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "pgettext_lazy"}
PLURAL = {"ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"}
_STR = r"""[ur]?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(rf" (npgettext|ngettext|pgettext|gettext)\(((?:{_STR}, )*{_STR})")


def _files(suffixes: tuple[str, ...]):
    for path in ROOT.rglob("*"):
        if path.suffix in suffixes and not SKIP & set(path.relative_to(ROOT).parts):
            yield path


def _key(name: str, args: list[str]) -> tuple[str, str]:
    return (args[0], args[1]) if name.startswith(("p", "np")) else ("", args[0])


def _python_usages(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in SINGULAR | PLURAL:
            continue
        args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        needed = 2 if name.startswith(("p", "np")) else 1
        if len(args) >= needed:
            yield name in PLURAL, _key(name, args), path


def _template_usages(path: Path):
    for name, raw in TEMPLATE_CALL.findall(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
        args = list(ast.literal_eval(f"({raw},)"))
        yield name in PLURAL, _key(name, args), path


def test_no_msgid_is_used_both_with_and_without_a_plural():
    plain: dict[tuple[str, str], set[str]] = {}
    plural: dict[tuple[str, str], set[str]] = {}
    usages = [u for p in _files((".py",)) for u in _python_usages(p)]
    usages += [u for p in _files((".html", ".txt")) for u in _template_usages(p)]
    for is_plural, key, path in usages:
        (plural if is_plural else plain).setdefault(key, set()).add(str(path.relative_to(ROOT)))
    both = {key[1] + (f" [{key[0]}]" if key[0] else ""): sorted(plain[key] | plural[key])
            for key in plain.keys() & plural.keys()}
    assert both == {}


def test_the_checker_sees_a_template_count_and_a_plain_use():
    text = '{% load i18n %}{% blocktrans count d=n %}还剩 {{ d }} 天{% plural %}还剩 {{ d }} 天{% endblocktrans %}' \
           '{% blocktrans %}还剩 {{ d }} 天{% endblocktrans %}{% trans "行" context "spreadsheet row" %}'
    found = [(name in PLURAL, _key(name, list(ast.literal_eval(f"({raw},)"))))
             for name, raw in TEMPLATE_CALL.findall(templatize(text, origin="x.html"))]
    assert found == [(True, ("", "还剩 %(d)s 天")), (False, ("", "还剩 %(d)s 天")), (False, ("spreadsheet row", "行"))]


def test_one_sentence_for_the_days_of_a_deadline():
    assert [days_left_text(d) for d in (3, 1, 0, -2, None)] == ["还剩 3 天", "还剩 1 天", "今天截止", "已逾期 2 天", ""]
    assert days_left_text(-2, closes=True) == "已截止"
