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
from urllib.parse import urlsplit

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


PHONE = {"width": 360, "height": 740}
# The built site had 27 pages (both languages, the 404 page) when this was written: a
# build that loses pages, or a search for them that finds none, must not pass for a clean site.
MIN_PAGES = 27
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
# Pages that each break one rule, served at the site's origin under the production headers
# (the off-site one without them, since the CSP would stop the request before it is made).
CONTROLS = {
    "/__control/wide/": ("<pre>" + "x" * 400 + "</pre>", True),
    "/__control/inline-script/": ("<script>document.title = 'x';</script>", True),
    "/__control/off-site/": ('<img alt="" src="http://localhost:9/pixel.gif">', False),
}


class Phone:
    """A 360 px phone that records CSP violations and every request that leaves the site."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport=PHONE)
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.offsite: list[str] = []
        self.context.on("request", self._request)
        self.page = self.context.new_page()

    def _request(self, request: Any) -> None:
        if not request.url.startswith((self.base, "data:")):
            self.offsite.append(request.url)

    def rules_broken(self, path: str) -> list[str]:
        before = len(self.offsite)
        self.page.goto(self.base + path, wait_until="load")
        violations, width = self.page.evaluate(
            "[window.__violations, document.documentElement.scrollWidth]"
        )
        broken = [f"CSP: {v}" for v in violations]
        if width > PHONE["width"]:
            broken.append(f"{width} px wide")
        broken += [f"off-site request: {url}" for url in self.offsite[before:]]
        return broken


def test_every_page_on_a_phone_breaks_no_rule(browser: Any, site_url: tuple[str, Path]) -> None:
    base, root = site_url
    phone = Phone(browser, base)
    pages = [
        "/" + str(html.relative_to(root)).removesuffix("index.html")
        for html in root.rglob("*.html")
    ]
    problems = {path: broken for path in sorted(pages) if (broken := phone.rules_broken(path))}
    phone.context.close()
    print(f"{len(pages)} pages checked on a 360 px phone")
    assert len(pages) >= MIN_PAGES, f"only {len(pages)} pages were built"
    assert problems == {}


def test_a_page_that_breaks_a_rule_is_caught(browser: Any, site_url: tuple[str, Path]) -> None:
    """The positive control of the test above: the same checks on pages built to fail them."""
    base, _ = site_url
    phone = Phone(browser, base)

    def control(route: Any) -> None:
        body, with_headers = CONTROLS[urlsplit(route.request.url).path]
        page = f'<!doctype html><html lang="id"><title>x</title><body>{body}</body></html>'
        headers = dict(SECURITY_HEADERS) if with_headers else {}
        route.fulfill(status=200, content_type="text/html", headers=headers, body=page)

    phone.context.route(f"{base}/__control/**", control)
    # another origin, answered here: the request is seen and nothing leaves the machine
    phone.context.route("http://localhost:9/**", lambda route: route.fulfill(body=GIF))
    broken = {path: phone.rules_broken(path) for path in CONTROLS}
    phone.context.close()
    assert any(b.endswith(" px wide") for b in broken["/__control/wide/"])
    assert any(b.startswith("CSP: script-src") for b in broken["/__control/inline-script/"])
    assert broken["/__control/off-site/"] == ["off-site request: http://localhost:9/pixel.gif"]


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


# -- issue 13: finding the follow-up page, the menu, the code box on a phone -----------------

VIEWPORTS = [PHONE, {"width": 1280, "height": 800}]


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["360", "1280"])
@pytest.mark.parametrize(
    ("path", "label", "target"),
    [
        ("/", "Cek status laporan", "/tindak-lanjut/"),
        ("/en/", "Check my report", "/en/tindak-lanjut/"),
    ],
)
def test_the_home_page_leads_to_the_follow_up_page(
    browser: Any,
    site_url: tuple[str, Path],
    viewport: dict[str, int],
    path: str,
    label: str,
    target: str,
) -> None:
    base, _ = site_url
    page = browser.new_page(viewport=viewport)
    page.goto(base + path, wait_until="load")
    entry = page.locator("article").get_by_role("link", name=label)
    assert entry.is_visible()
    box = entry.bounding_box()
    assert box is not None
    assert box["height"] >= 44  # a thumb's target
    entry.click()
    page.wait_for_url(base + target)
    assert page.locator("#fu-code").is_visible()
    page.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["360", "1280"])
@pytest.mark.parametrize(("path", "word"), [("/", "ratifikasi"), ("/en/", "ratification")])
def test_the_menu_names_each_page_once(
    browser: Any, site_url: tuple[str, Path], viewport: dict[str, int], path: str, word: str
) -> None:
    """The gratification form and the page about gratification had the same name in the menu
    (at 360 px the menu is the drawer; the same links)."""
    base, _ = site_url
    page = browser.new_page(viewport=viewport)
    page.goto(base + path, wait_until="load")
    names = page.locator("nav.md-nav--primary .md-nav__link").evaluate_all(
        "links => links.map(a => a.textContent.trim()).filter(Boolean)"
    )
    page.close()
    gratification = [n for n in names if word in n]
    assert len(gratification) == 2
    assert len(set(gratification)) == 2, gratification


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["360", "1280"])
@pytest.mark.parametrize("path", ["/tindak-lanjut/", "/en/tindak-lanjut/"])
def test_a_whole_receipt_code_fits_its_box_on_a_phone(
    browser: Any, site_url: tuple[str, Path], viewport: dict[str, int], path: str
) -> None:
    """At 360 px the code was 409 px of text in a 326 px box: it could not be read whole."""
    base, _ = site_url
    page = browser.new_page(viewport=viewport)
    page.goto(base + path, wait_until="load")
    code = page.locator("#fu-code")
    code.fill("W7K3MQ9XDAB4FZTK3V92M7QX0AB")  # 27 characters, shown as 33 with the dashes
    fits, font = page.evaluate(
        "(e => [e.scrollWidth <= e.clientWidth, parseFloat(getComputedStyle(e).fontSize)])"
        "(document.querySelector('#fu-code'))"
    )
    assert code.input_value().count("-") == 6
    assert fits
    assert font >= 16  # a phone does not zoom into the box
    page.close()
