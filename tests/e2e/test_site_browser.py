"""The built site in a real browser (Debian Chromium) under the production security headers:
no CSP violation, no request to another origin, no sideways scrolling on a 360 px phone, and
search answering in each language."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from peluit.site.build import build_site
from peluit.web.headers import SECURITY_HEADERS
from tests.e2e.conftest import RECORD_VIOLATIONS

pytestmark = pytest.mark.e2e


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("e2e") / "site"
    build_site(None, root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def test_every_page_on_a_phone_breaks_no_rule(browser: Any, site_url: tuple[str, Path]) -> None:
    base, root = site_url
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_init_script(RECORD_VIOLATIONS)
    offsite: list[str] = []
    context.on(
        "request",
        lambda r: None if r.url.startswith((base, "data:")) else offsite.append(r.url),
    )
    problems = []
    page = context.new_page()
    for html in sorted(root.rglob("*.html")):
        path = "/" + str(html.relative_to(root)).removesuffix("index.html")
        page.goto(base + path, wait_until="load")
        violations, width = page.evaluate(
            "[window.__violations, document.documentElement.scrollWidth]"
        )
        if violations or width > 360:
            problems.append((path, violations, width))
    context.close()
    assert problems == []
    assert offsite == []


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [("/", "gratifikasi", "/gratifikasi/"), ("/en/", "reward", "/en/penghargaan/")],
)
def test_search_finds_pages_in_the_pages_language(
    browser: Any, site_url: tuple[str, Path], path: str, query: str, expected: str
) -> None:
    base, _ = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(base + path, wait_until="networkidle")
    page.click("input[data-md-component=search-query]")
    page.locator("input[data-md-component=search-query]").press_sequentially(query)
    first = page.locator(".md-search-result__item a").first
    first.wait_for(timeout=5000)
    links = page.locator(".md-search-result__item > a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)"
    )
    page.close()
    assert expected in links
    if path == "/":
        assert not any(link.startswith("/en/") for link in links)
    else:
        assert all(link.startswith("/en/") for link in links)
