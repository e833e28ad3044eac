"""Content-Security-Policy: every page carries a strict policy, and no template could need a looser one
(no inline script body, no on*= handler, no javascript: link)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def test_public_page_has_strict_csp(client):
    directives = _directives(client.get(reverse("login")))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_signed_in_page_has_csp_without_inline_script(login, applicant):
    response = login(applicant).get(reverse("dashboard"))
    directives = _directives(response)
    assert response.status_code == 200
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]


def test_not_found_page_has_csp(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert _directives(response)["script-src"] == ["'self'"]


def _template_files() -> list[Path]:
    """The project's templates: templates/ and every project app's templates/ (not the installed packages')."""
    from django.apps import apps

    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(app.path) / "templates" for app in apps.get_app_configs()
              if Path(app.path).resolve().is_relative_to(base) and ".venv" not in Path(app.path).parts]
    return sorted({p for root in roots if root.is_dir() for p in root.rglob("*.html")})


_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.DOTALL)
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def test_template_scan_finds_the_templates():
    names = {p.name for p in _template_files()}
    assert {"base.html", "detail.html", "_layout.html", "413.html"} <= names
    assert len(names) > 50


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_template_has_no_inline_script_or_handler(path):
    text = path.read_text(encoding="utf-8")
    assert _HANDLER.findall(text) == []
    assert _JS_URL.findall(text) == []
    inline = [body for attrs, body in _SCRIPT.findall(text) if "src=" not in attrs or body.strip()]
    assert inline == []


def test_scan_catches_a_handler_and_an_inline_script():
    assert _HANDLER.findall('<select name="x"\n  onchange="this.form.submit()">')
    assert _SCRIPT.findall("<script>alert(1)</script>") == [("", "alert(1)")]
    assert _JS_URL.findall('<a href="javascript:void(0)">')
