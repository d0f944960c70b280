"""The functions' package built with the real wheels of functions/requirements.lock.

The one test here that needs PyPI: the wheels (about 27 MB) are downloaded by pip into the wheel
cache (`peluit.deploy.package.wheel_cache_dir()`, ~/.cache/peluit/… or $PELUIT_WHEEL_CACHE) the
first time, and read from there afterwards, offline. Everything is built once per module.
"""

from __future__ import annotations

import email.parser
import io
import os
import shutil
import stat
import struct
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from peluit.deploy.package import LambdaPackage, build_lambda_package, read_lock
from peluit.deploy.source import find_source
from tests.support.factory import example_path

pytestmark = pytest.mark.functional

EM_AARCH64 = 183  # ELF e_machine of arm64
# The environment markers of Lambda's python3.13 on arm64 (Amazon Linux 2023).
LAMBDA_MARKERS = {
    "python_version": "3.13",
    "python_full_version": "3.13.0",
    "platform_machine": "aarch64",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "extra": "",
}
CHECKOUT_PARTS = ("peluit", "functions", "infra", "pyproject.toml")


def copy_checkout(target: Path) -> Path:
    """The parts of the checkout a package is built from, copied to `target`."""
    root = find_source().root
    for part in CHECKOUT_PARTS:
        if (root / part).is_dir():
            shutil.copytree(
                root / part, target / part, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(root / part, target / part)
    return target


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[LambdaPackage, LambdaPackage]:
    first = copy_checkout(tmp_path_factory.mktemp("checkout-a"))
    second = copy_checkout(tmp_path_factory.mktemp("checkout-b"))
    for path in second.rglob("*"):  # other times and modes than the first copy
        if path.is_file():
            os.utime(path, (1_000_000_000, 1_000_000_000))
            path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    config = example_path()
    return (
        build_lambda_package(find_source(first), config),
        build_lambda_package(find_source(second), config),
    )


def test_two_builds_of_the_same_sources_are_byte_identical(
    two_builds: tuple[LambdaPackage, LambdaPackage],
) -> None:
    first, second = two_builds
    assert first.data == second.data
    assert first.sha256 == second.sha256
    print(f"\nfunctions' package: {first.describe()}")
    assert 10 * 2**20 < len(first.data) < 50 * 2**20
    assert first.unzipped_bytes < 250 * 2**20


def test_the_package_holds_exactly_the_locked_versions(
    two_builds: tuple[LambdaPackage, LambdaPackage],
) -> None:
    package, _ = two_builds
    dists = installed(package)
    locked = {pin.name: pin.version for pin in read_lock(find_source().lock)}
    assert {name: meta["Version"] for name, meta in dists.items()} == locked


def test_compiled_code_is_for_arm64_and_python_313(
    two_builds: tuple[LambdaPackage, LambdaPackage],
) -> None:
    package, _ = two_builds
    with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
        shared = [n for n in archive.namelist() if n.endswith(".so")]
        assert "cryptography/hazmat/bindings/_rust.abi3.so" in shared
        assert any(n.startswith("pydantic_core/_pydantic_core.cpython-313-aarch64") for n in shared)
        for name in shared:
            header = archive.read(name)[:20]
            assert header[:4] == b"\x7fELF", name
            (machine,) = struct.unpack_from("<H", header, 18)
            assert machine == EM_AARCH64, name


def test_every_dependency_lambda_needs_is_in_the_package(
    two_builds: tuple[LambdaPackage, LambdaPackage],
) -> None:
    """Each wheel's Requires-Dist, evaluated for Lambda, is satisfied by a locked wheel."""
    package, _ = two_builds
    dists = installed(package)
    for name, meta in dists.items():
        for line in meta.get_all("Requires-Dist") or []:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate(LAMBDA_MARKERS):
                continue
            needed = canonicalize_name(requirement.name)
            assert needed in dists, f"{name} needs {requirement}"
            assert requirement.specifier.contains(dists[needed]["Version"], prereleases=True), (
                f"{name} needs {requirement}"
            )


def installed(package: LambdaPackage) -> dict[str, email.message.Message]:
    """The METADATA of every distribution in the package, by normalised name."""
    found: dict[str, email.message.Message] = {}
    with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
        for name in archive.namelist():
            if name.endswith(".dist-info/METADATA") and name.count("/") == 1:
                meta = email.parser.BytesParser().parsebytes(archive.read(name))
                found[canonicalize_name(meta["Name"])] = meta
    return found
