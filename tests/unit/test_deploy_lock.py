"""The venv the tests run in has the functions' locked dependencies, at the locked versions
(`make deps` installs them from functions/requirements.lock with --require-hashes): what the
tests exercise is what Lambda runs."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import pytest

from peluit.deploy.package import read_lock
from peluit.deploy.source import find_source

pytestmark = pytest.mark.unit


def test_the_venv_has_every_locked_dependency_at_its_locked_version() -> None:
    pins = read_lock(find_source().lock)
    assert {"boto3", "botocore", "cryptography", "pydantic-core"} <= {p.name for p in pins}
    installed: dict[str, str | None] = {}
    for pin in pins:
        try:
            installed[pin.name] = version(pin.name)
        except PackageNotFoundError:
            installed[pin.name] = None
    assert installed == {pin.name: pin.version for pin in pins}, "run `make deps`"
