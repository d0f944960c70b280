"""The browser tier: Debian's Chromium driven by Playwright against a real `peluit serve`.

CI installs Chromium (`.ci/run`); a missing browser is a failure, never a skip.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from peluit import age
from peluit.config import Config
from peluit.config.demo import open_demo_key
from peluit.serve.app import ServeOptions, build_server
from peluit.serve.server import PeluitServer
from tests.support.console import ConsoleUnderTest, DemoServer

CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: scripts/apt-install chromium (make test does)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Served:
    """A running `peluit serve` with the demo configuration and a freshly built site."""

    server: PeluitServer
    config: Config
    data: Path
    base: str

    def keys(self, person: str) -> list[age.AnyIdentity]:
        """A demo person's identities (the demo key files, see peluit/config/demo.py)."""
        return [open_demo_key(self.data, person).identity]

    def objects(self, prefix: str = "") -> dict[str, Path]:
        root = self.data / "store" / "objects"
        return {
            str(p.relative_to(root)): p
            for p in sorted(root.rglob("*"))
            if p.is_file() and str(p.relative_to(root)).startswith(prefix)
        }


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("serve") / "var"
    server, config, _, _ = build_server(ServeOptions("127.0.0.1", 0, data, None, None))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(server, config, data, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Watched:
    """A browser context that records what must never happen on a Peluit page."""

    context: BrowserContext
    base: str
    console_errors: list[str] = field(default_factory=list)
    off_origin: list[str] = field(default_factory=list)

    def new_page(self) -> Page:
        page = self.context.new_page()
        page.on(
            "console",
            lambda m: self.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        return page

    def violations(self, page: Page) -> list[str]:
        found: list[str] = page.evaluate("window.__violations || []")
        return found

    def assert_clean(self, *pages: Page) -> None:
        assert [v for p in pages for v in self.violations(p)] == []
        assert self.console_errors == []
        assert self.off_origin == []


def watch(browser: Browser, base: str, **context_options: Any) -> Watched:
    context = browser.new_context(**context_options)
    context.add_init_script(RECORD_VIOLATIONS)
    watched = Watched(context, base)
    context.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((base + "/", "data:", "blob:"))
            else watched.off_origin.append(r.url)
        ),
    )
    return watched


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """A demo `peluit serve` in process, without a site, for the review console's tests."""
    with DemoServer(tmp_path_factory.mktemp("demo") / "var") as server:
        yield server


@pytest.fixture(scope="module")
def console(demo: DemoServer) -> Iterator[ConsoleUnderTest]:
    """Rina's (a demo reviewer's) review console against `demo`, closed after the module."""
    running = ConsoleUnderTest(demo, "rina")
    try:
        yield running
    finally:
        running.close()
