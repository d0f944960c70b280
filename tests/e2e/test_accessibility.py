"""axe-core finds no serious or critical accessibility problem on the citizen-facing pages.

axe is injected through the DevTools protocol (`page.evaluate`), which the page's CSP does
not govern; the pages themselves still run under the production headers.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import Served, watch
from tests.support.js import JS_DIR

pytestmark = pytest.mark.e2e

AXE_DIR = JS_DIR / "node_modules" / "axe-core"
PAGES = [
    "/",
    "/lapor/pengaduan/",
    "/lapor/gratifikasi/",
    "/cara-melapor/",
    "/perlindungan/",
    "/en/",
    "/en/lapor/pengaduan/",
    "/en/lapor/gratifikasi/",
]


@functools.cache
def axe_source() -> str:
    """Read when a test runs, not at collection: `pytest -m unit` collects without node_modules."""
    return (AXE_DIR / "axe.min.js").read_text()


def pinned_axe() -> str:
    version: str = json.loads((JS_DIR / "package.json").read_text())["devDependencies"]["axe-core"]
    return version


def serious(results: dict[str, Any]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("width", [360, 1280])
def test_pages_have_no_serious_accessibility_violation(
    browser: Browser, served: Served, width: int
) -> None:
    watched = watch(browser, served.base, viewport={"width": width, "height": 800})
    page = watched.new_page()
    problems: dict[str, list[str]] = {}
    for path in PAGES:
        page.goto(served.base + path, wait_until="load")
        page.evaluate(axe_source())
        assert page.evaluate("axe.version") == pinned_axe()  # the copy that ran is the pinned one
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        if found := serious(results):
            problems[path] = found
    assert problems == {}
    watched.assert_clean(page)
    watched.context.close()


def test_axe_is_the_pinned_copy() -> None:
    pinned = pinned_axe()
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", pinned)  # an exact pin, not a range
    locked = json.loads((JS_DIR / "package-lock.json").read_text())["packages"]
    installed = json.loads((AXE_DIR / "package.json").read_text())["version"]
    banner = re.match(r"/\*! axe v([0-9.]+)\n", axe_source())
    assert banner is not None
    assert (locked["node_modules/axe-core"]["version"], installed, banner[1]) == (pinned,) * 3


def test_axe_reports_a_page_that_breaks_a_rule(browser: Browser) -> None:
    """The positive control: the same injection and filter catch an image without a text."""
    page = browser.new_page()
    page.set_content(
        '<!doctype html><html lang="id"><title>t</title><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "</main></html>"
    )
    page.evaluate(axe_source())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    page.close()
    assert any(problem.startswith("image-alt (critical)") for problem in serious(results))
