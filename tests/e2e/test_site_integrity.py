"""Subresource Integrity in a real browser (Debian Chromium): a script changed on its way to the
reader (a swapped file in the bucket or at the CDN) does not run; the same changed script on a
page without the integrity attribute does, which shows the attribute is what stops it."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from peluit.site.build import build_site
from peluit.web.headers import SECURITY_HEADERS

pytestmark = pytest.mark.e2e
TAMPER = b"\n;window.__tampered = true;\n"


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("sri") / "site"
    build_site(None, root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=root))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def _load(
    browser: Any, base: str, root: Path, *, tamper: bool, strip: bool
) -> tuple[Any, list[str]]:
    """The form page's globals after load, with the theme's bundle (and form.js) changed on the
    wire when `tamper`, and the page's integrity attributes removed when `strip`."""
    context = browser.new_context()
    messages: list[str] = []
    page = context.new_page()
    page.on("console", lambda message: messages.append(message.text))

    def script(route: Any) -> None:
        name = route.request.url.removeprefix(base + "/")
        body = (root / name).read_bytes() + (TAMPER if tamper else b"")
        route.fulfill(
            status=200, content_type="text/javascript", headers=SECURITY_HEADERS, body=body
        )

    def html(route: Any) -> None:
        text = (root / "lapor" / "pengaduan" / "index.html").read_text(encoding="utf-8")
        if strip:
            text = re.sub(r' integrity="[^"]+"', "", text)
        route.fulfill(status=200, content_type="text/html", headers=SECURITY_HEADERS, body=text)

    context.route(
        re.compile(r".*/assets/(javascripts/bundle\.[0-9a-f]+\.min|peluit/form)\.js$"), script
    )
    context.route(f"{base}/lapor/pengaduan/", html)
    page.goto(f"{base}/lapor/pengaduan/", wait_until="load")
    page.wait_for_timeout(300)
    state = page.evaluate("[typeof window.document$, window.__tampered === true]")
    context.close()
    return state, messages


def test_the_untouched_scripts_run(browser: Any, site: tuple[str, Path]) -> None:
    state, messages = _load(browser, *site, tamper=False, strip=False)
    assert state == ["object", False]  # the theme's bundle ran (it defines document$)
    assert not [m for m in messages if "integrity" in m]


def test_a_script_changed_on_the_way_does_not_run(browser: Any, site: tuple[str, Path]) -> None:
    state, messages = _load(browser, *site, tamper=True, strip=False)
    assert state == ["undefined", False]
    blocked = [m for m in messages if "integrity" in m]
    assert any("bundle." in m for m in blocked)
    assert any("form.js" in m for m in blocked)


def test_without_the_attribute_the_changed_script_would_run(
    browser: Any, site: tuple[str, Path]
) -> None:
    state, _ = _load(browser, *site, tamper=True, strip=True)
    assert state == ["object", True]
