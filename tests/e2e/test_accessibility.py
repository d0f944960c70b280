"""axe-core finds no serious or critical accessibility problem on the citizen-facing pages.

axe is injected through the DevTools protocol (`page.evaluate`), which the page's CSP does
not govern; the pages themselves still run under the production headers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import Served, watch
from tests.support.js import JS_DIR

pytestmark = pytest.mark.e2e

AXE = (JS_DIR / "node_modules" / "axe-core" / "axe.min.js").read_text()
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
        page.evaluate(AXE)
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        if found := serious(results):
            problems[path] = found
    assert problems == {}
    watched.assert_clean(page)
    watched.context.close()


def test_axe_is_the_pinned_copy() -> None:
    assert Path(JS_DIR / "node_modules" / "axe-core" / "package.json").is_file()
    assert "axe.run" in AXE or "runVirtualRule" in AXE
