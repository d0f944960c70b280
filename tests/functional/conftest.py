"""Fixtures the functional console tests share: a demo `peluit serve` per module and Rina's
review console against it (tests/support/console.py). A module that needs another server
defines its own fixture of the same name, which takes precedence."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.console import ConsoleUnderTest, DemoServer


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """A demo `peluit serve` in process, on a free port, with its own data directory."""
    with DemoServer(tmp_path_factory.mktemp("served") / "var") as server:
        yield server


@pytest.fixture(scope="module")
def rina(served: DemoServer) -> Iterator[ConsoleUnderTest]:
    """Rina's (a demo reviewer's) console against `served`, closed after the module."""
    console = ConsoleUnderTest(served, "rina")
    try:
        yield console
    finally:
        console.close()
