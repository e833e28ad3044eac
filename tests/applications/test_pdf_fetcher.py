"""Every PDF is printed through one URL fetcher that serves data: URIs and the project's static files only:
nothing a template or a user's text names is fetched from the network or read from elsewhere on disk."""

import io
import logging

import pytest
from pypdf import PdfReader

from applications import services
from applications.pdf import application_pdf_render
from pilotbase.documents import html_string_to_pdf, pdf_url_fetcher

REFUSED = [
    "http://127.0.0.1:1/x",
    "https://example.com/logo.png",
    "ftp://127.0.0.1/x",
    "file:///etc/passwd",
    "file:///work/main/pilotbase/settings.py",
    "file:///static/../pilotbase/settings.py",
    "file:///static/%2e%2e/pilotbase/settings.py",
    "file://evil.example/static/img/favicon.svg",
    "file:///static/img/missing.png",
]


def refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "pilotbase.documents" and "refused" in r.getMessage()]


@pytest.mark.parametrize("url", REFUSED)
def test_fetcher_refuses_anything_but_static_files_and_logs_it(url, caplog):
    with caplog.at_level(logging.WARNING, logger="pilotbase.documents"), pytest.raises(ValueError):
        pdf_url_fetcher()(url)
    assert len(refusals(caplog)) == 1


def test_fetcher_serves_a_static_file():
    response = pdf_url_fetcher()("file:///static/img/favicon.svg")
    try:
        assert response.content_type == "image/svg+xml"
        assert response.read().lstrip().startswith(b"<svg")
    finally:
        response.close()


def test_fetcher_serves_a_data_uri():
    response = pdf_url_fetcher()("data:text/plain;base64,5Lit6K+V")
    try:
        assert response.read().decode() == "中试"
    finally:
        response.close()


def test_render_naming_network_urls_finishes_and_fetches_none(caplog):
    html = ('<style>body { background: url("http://127.0.0.1:1/bg.png"); }</style>'
            '<p>中试<img src="http://127.0.0.1:1/x"><img src="/static/img/favicon.svg"></p>')
    with caplog.at_level(logging.WARNING, logger="pilotbase.documents"):
        pdf = html_string_to_pdf(html)
    assert pdf[:5] == b"%PDF-"
    assert sorted(refusals(caplog)) == [
        "PDF: refused to fetch 'http://127.0.0.1:1/bg.png' (only static files and data: URIs are served)",
        "PDF: refused to fetch 'http://127.0.0.1:1/x' (only static files and data: URIs are served)",
    ]


@pytest.mark.django_db
def test_application_text_with_an_image_tag_is_printed_as_text_and_fetches_nothing(draft, applicant, caplog):
    draft.construction_plan = '建设方案<img src="http://127.0.0.1:1/x"><style>p{background:url(http://127.0.0.1:1/y)}</style>'
    draft.save(update_fields=["construction_plan"])
    with caplog.at_level(logging.WARNING, logger="pilotbase.documents"):
        app = services.application_submit(application=draft, actor=applicant)
        assert application_pdf_render(application_id=app.pk) in {"rendered", "exists"}
    app.refresh_from_db()
    with app.pdf.open("rb") as fh:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(fh.read())).pages)
    assert '<img src="http://127.0.0.1:1/x">' in "".join(text.split("\n"))
    assert refusals(caplog) == []
