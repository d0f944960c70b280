"""`make run` as the README describes it: no Debian package and so no root (apt-get is only for
`make test`), and the port is chosen with PORT. `make -n` prints what would run, running
nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.functional

ROOT = Path(__file__).resolve().parents[2]


def planned(*args: str) -> list[str]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # As a person types it: not inside another make (`make test` runs this test), whose
    # MAKEFLAGS and MAKELEVEL would add "Entering/Leaving directory" lines.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    done = subprocess.run(
        ["make", "-n", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.splitlines()


def test_make_run_installs_no_debian_package() -> None:
    lines = planned("run")
    assert not [line for line in lines if "apt" in line or "sudo" in line], lines
    assert lines[-1].endswith("peluit serve --port 8000")


def test_make_run_takes_the_port_from_port() -> None:
    assert planned("run", "PORT=8080")[-1].endswith("peluit serve --port 8080")


def test_make_test_still_installs_the_reference_age_and_chromium() -> None:
    lines = planned("test")
    assert any("scripts/apt-install age" in line for line in lines)
    assert any("scripts/apt-install chromium" in line for line in lines)


def test_node_tests_report_dots_not_tap() -> None:
    [line] = [line for line in planned("js-test") if "npm test" in line]
    assert "--test-reporter=dot" in line
