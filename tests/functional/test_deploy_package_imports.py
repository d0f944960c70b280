"""The Lambda package's own `peluit` modules are enough to import every handler.

The package is extracted and the handlers imported in a fresh interpreter that sees only the
package and this venv's third-party libraries (`-S`: not the editable install of the checkout),
so a module the static import walk missed would fail here rather than in Lambda.
"""

from __future__ import annotations

import io
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from peluit.deploy.package import Pin, build_lambda_package
from peluit.deploy.source import find_source
from tests.support.factory import example_path

pytestmark = pytest.mark.functional


def no_dependencies(pins: Sequence[Pin]) -> list[Path]:
    """No wheels: the venv's site-packages stands in for them."""
    return []


def test_every_handler_imports_from_the_package_alone(tmp_path: Path) -> None:
    source = find_source()
    package = build_lambda_package(source, example_path(), no_dependencies)
    zipfile.ZipFile(io.BytesIO(package.data)).extractall(tmp_path)
    handlers = sorted(
        f"functions.{p.stem}" for p in source.functions.glob("*.py") if not p.stem.startswith("_")
    )
    assert "functions.public" in handlers
    site = sysconfig.get_paths()["purelib"]
    code = "\n".join(
        [
            f"import sys; sys.path[:0] = [{str(tmp_path)!r}, {site!r}]",
            "import importlib, peluit",
            f"for name in {handlers!r}: assert callable(importlib.import_module(name).handler)",
            "print(peluit.__file__)",
        ]
    )
    run = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(tmp_path / "peluit" / "__init__.py")
