"""The Lambda package: only what the functions run, the operator's configuration, the locked
dependencies unpacked from their wheels; reproducible and small. The wheels are small fakes
made here (nothing is downloaded); tests/functional/test_deploy_package_wheels.py builds with the
real ones."""

from __future__ import annotations

import hashlib
import io
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from peluit.deploy import package
from peluit.deploy.errors import DeployError, PackageError
from peluit.deploy.package import (
    CONFIG_NAME,
    Pin,
    WheelCache,
    build_lambda_package,
    check_lock_matches_project,
    pip_download,
    read_lock,
)
from peluit.deploy.source import Source, find_source
from tests.support.deploying import FakeWheels, make_wheel
from tests.support.factory import example_path

pytestmark = pytest.mark.unit

ODD_WHEEL_MEMBERS = {
    "cryptography/__init__.py": b"",
    "cryptography/hazmat/bindings/_rust.abi3.so": b"\x7fELF",
    "cryptography/__pycache__/x.cpython-313.pyc": b"",
    "cryptography/stale.pyc": b"",
    "cryptography-50.0.2.data/scripts/crypto-tool": b"#!/bin/sh\n",
    "cryptography-50.0.2.data/purelib/cryptography_extra.py": b"# moved to the top\n",
}


class OddWheels(FakeWheels):
    """Fake wheels, cryptography's with bytecode, a script and a `.data/purelib` module."""

    def __call__(self, pins: Any) -> list[Path]:
        self.requested = list(pins)
        return [
            make_wheel(
                self.directory, pin, ODD_WHEEL_MEMBERS if pin.name == "cryptography" else None
            )
            for pin in pins
        ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[package.LambdaPackage, FakeWheels]:
    wheels = OddWheels(tmp_path_factory.mktemp("wheels"))
    return build_lambda_package(find_source(), example_path(), wheels), wheels


def names(pkg: package.LambdaPackage) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(pkg.data)) as archive:
        return archive.namelist()


def test_package_holds_the_handlers_and_the_modules_they_import(
    built: tuple[package.LambdaPackage, FakeWheels],
) -> None:
    pkg, _ = built
    listed = names(pkg)
    assert listed == sorted(listed) == list(pkg.names)
    for needed in (
        "functions/__init__.py",
        "functions/public.py",
        "peluit/__init__.py",
        "peluit/api/public.py",
        "peluit/core/submission.py",
        "peluit/store/s3.py",
        "peluit/config/models.py",
        "peluit/age/hybrid.py",
    ):
        assert needed in listed


def test_package_leaves_out_the_cli_tools_tests_sources_scripts_and_bytecode(
    built: tuple[package.LambdaPackage, FakeWheels],
) -> None:
    pkg, _ = built
    for name in pkg.names:
        assert not name.startswith(
            ("peluit/cli/", "peluit/serve/", "peluit/deploy/", "peluit/site/", "tests/")
        ), name
        assert not name.startswith(("docs/", "site/", "js/", "infra/", "scripts/")), name
        assert "__pycache__" not in name, name
        assert not name.endswith(".pyc"), name
        assert ".data/" not in name, name
    assert "peluit/config/example.toml" not in pkg.names
    assert "functions/requirements.lock" not in pkg.names


def test_package_carries_the_operators_configuration_where_the_handlers_look(
    built: tuple[package.LambdaPackage, FakeWheels],
) -> None:
    pkg, _ = built
    with zipfile.ZipFile(io.BytesIO(pkg.data)) as archive:
        assert archive.read(CONFIG_NAME) == example_path().read_bytes()
    assert CONFIG_NAME == "functions/peluit.toml"  # functions/public.py's default path


def test_package_unpacks_a_wheel_of_every_locked_distribution(
    built: tuple[package.LambdaPackage, FakeWheels],
) -> None:
    pkg, wheels = built
    locked = read_lock(find_source().lock)
    assert wheels.requested == list(locked)
    for pin in locked:
        module = pin.name.replace("-", "_")
        assert f"{module}-{pin.version}.dist-info/METADATA" in pkg.names
    assert "cryptography/hazmat/bindings/_rust.abi3.so" in pkg.names
    assert "cryptography_extra.py" in pkg.names  # from the wheel's .data/purelib
    requested = {pin.name for pin in wheels.requested}
    assert {"cryptography", "pydantic", "pydantic-core", "boto3", "botocore"} <= requested
    for dev_only in ("pytest", "moto", "ruff", "mypy", "cfn-lint", "mkdocs-material", "pyyaml"):
        assert dev_only not in requested


def test_package_is_small_and_reproducible(
    built: tuple[package.LambdaPackage, FakeWheels], tmp_path: Path
) -> None:
    pkg, _ = built
    again = build_lambda_package(find_source(), example_path(), OddWheels(tmp_path))
    assert again.data == pkg.data
    assert again.sha256 == pkg.sha256
    assert pkg.key == f"lambda/{pkg.sha256}.zip"
    assert len(pkg.data) < 1024 * 1024  # our code and config; the real dependencies add ~25 MiB
    with zipfile.ZipFile(io.BytesIO(pkg.data)) as archive:
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644
            assert info.create_system == 3


def test_the_package_describes_its_size(built: tuple[package.LambdaPackage, FakeWheels]) -> None:
    pkg, _ = built
    text = pkg.describe()
    assert text.startswith(f"{len(pkg.data) / 2**20:.1f} MiB zip, ")
    assert f"{pkg.unzipped_bytes / 2**20:.1f} MiB unzipped (Lambda allows 250 MiB)" in text


def test_a_package_over_lambdas_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(package, "MAX_UNZIPPED_BYTES", 10_000)
    with pytest.raises(PackageError, match="Lambda allows"):
        build_lambda_package(find_source(), example_path(), FakeWheels(tmp_path))


LOCK = """\
# a comment
a==1 \\
    --hash=sha256:{a}
    # via peluit (pyproject.toml)
b==2 \\
    --hash=sha256:{b1} \\
    --hash=sha256:{b2}
"""


def fake_checkout(tmp_path: Path, handler: str, lock: str | None = None) -> Source:
    """A checkout with one handler, a small `peluit` package and a lock of `a` and `b`."""
    for name, text in {
        "functions/__init__.py": "",
        "functions/handler.py": handler,
        "functions/requirements.lock": lock or LOCK.format(a="a" * 64, b1="b" * 64, b2="c" * 64),
        "peluit/__init__.py": "",
        "peluit/core/__init__.py": "from .model import Thing\n",
        "peluit/core/model.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from peluit.serve import app\nclass Thing: ...\n",
        "peluit/cli/__init__.py": "",
        "peluit/cli/main.py": "",
        "peluit/unused.py": "",
        "infra/peluit.yaml": "",
        "pyproject.toml": '[project]\ndependencies = ["a==1"]\n'
        '[project.optional-dependencies]\naws = ["b==2"]\ndev = ["c==3", "b==2"]\n',
    }.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return find_source(tmp_path)


def test_imports_are_followed_through_packages_and_relative_imports(tmp_path: Path) -> None:
    source = fake_checkout(tmp_path, "from peluit.core import Thing\n")
    wheels = FakeWheels(tmp_path / "wheels")
    pkg = build_lambda_package(source, tmp_path / "pyproject.toml", wheels)
    ours = [n for n in pkg.names if n.startswith("peluit/")]
    # the TYPE_CHECKING import of peluit.serve is not followed; unused modules stay out
    assert ours == ["peluit/__init__.py", "peluit/core/__init__.py", "peluit/core/model.py"]
    assert [(p.name, p.version) for p in wheels.requested] == [("a", "1"), ("b", "2")]


def test_a_function_importing_the_cli_stops_the_build(tmp_path: Path) -> None:
    source = fake_checkout(tmp_path, "def handler(e, c):\n    from peluit.cli import main\n")
    with pytest.raises(PackageError, match=r"imports peluit\.cli"):
        build_lambda_package(source, tmp_path / "pyproject.toml", FakeWheels(tmp_path / "w"))


def test_a_wheel_that_would_shadow_our_code_stops_the_build(tmp_path: Path) -> None:
    source = fake_checkout(tmp_path, "")

    def shadowing(pins: Any) -> list[Path]:
        return [make_wheel(tmp_path / "w", pins[0], {"peluit/__init__.py": b"evil = True\n"})]

    with pytest.raises(PackageError, match="would shadow our code"):
        build_lambda_package(source, tmp_path / "pyproject.toml", shadowing)


def test_a_wheel_with_a_path_outside_the_package_is_refused(tmp_path: Path) -> None:
    source = fake_checkout(tmp_path, "")

    def escaping(pins: Any) -> list[Path]:
        return [make_wheel(tmp_path / "w", pins[0], {"../../etc/cron.d/x": b""})]

    with pytest.raises(PackageError, match="unsafe path"):
        build_lambda_package(source, tmp_path / "pyproject.toml", escaping)


# -- the lock -----------------------------------------------------------------------------------


def test_the_lock_is_read_with_every_hash(tmp_path: Path) -> None:
    source = fake_checkout(tmp_path, "")
    a, b = read_lock(source.lock)
    assert a == Pin("a", "1", frozenset({"a" * 64}))
    assert b == Pin("b", "2", frozenset({"b" * 64, "c" * 64}))


@pytest.mark.parametrize(
    "entry",
    [
        "a==1",  # no hash
        "a>=1 --hash=sha256:" + "a" * 64,  # not exact
        "a==1 ; python_version < '3.12' --hash=sha256:" + "a" * 64,  # a marker
        "a==1 --hash=md5:" + "a" * 32,
        "-e ./local",
    ],
)
def test_a_lock_entry_without_exact_version_and_hashes_is_refused(
    tmp_path: Path, entry: str
) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text(entry + "\n", encoding="utf-8")
    with pytest.raises(PackageError, match="make lock"):
        read_lock(lock)


def test_the_real_lock_pins_what_pyproject_pins_including_botocore() -> None:
    source = find_source()
    pins = {p.name: p for p in read_lock(source.lock)}
    check_lock_matches_project(list(pins.values()), source.pyproject)
    assert pins["boto3"].version == "1.44.8"
    assert "botocore" in pins
    assert all(len(p.hashes) >= 1 for p in pins.values())


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        ('dependencies = ["a==1"]\n[project.optional-dependencies]\naws = ["b==3"]', "b==2"),
        ('dependencies = ["a==1", "new==1"]', "new==1 is not in the functions' lock"),
        ('dependencies = ["a==1"]\n[project.optional-dependencies]\ndev = ["b==9"]', "b==9"),
    ],
)
def test_a_pin_that_differs_from_the_lock_stops_the_build(
    tmp_path: Path, pyproject: str, message: str
) -> None:
    source = fake_checkout(tmp_path, "")
    source.pyproject.write_text(f"[project]\n{pyproject}\n", encoding="utf-8")
    with pytest.raises(PackageError, match=message):
        build_lambda_package(source, example_path(), FakeWheels(tmp_path / "w"))


# -- the wheel cache ----------------------------------------------------------------------------


def locked_wheels(tmp_path: Path) -> tuple[list[Pin], dict[str, bytes]]:
    """Two wheels (in memory) and pins that allow exactly them."""
    made = tmp_path / "made"
    pins, contents = [], {}
    for name in ("alpha", "beta"):
        wheel = make_wheel(made, Pin(name, "1.0", frozenset()))
        data = wheel.read_bytes()
        contents[wheel.name] = data
        pins.append(Pin(name, "1.0", frozenset({hashlib.sha256(data).hexdigest()})))
    return pins, contents


class Fetcher:
    """Writes the wheels it knows into the cache; counts what it was asked for."""

    def __init__(self, contents: dict[str, bytes]) -> None:
        self.contents = contents
        self.asked: list[list[str]] = []

    def __call__(self, pins: Any, target: Path) -> None:
        self.asked.append([p.name for p in pins])
        for name, data in self.contents.items():
            if any(name.startswith(p.name + "-") for p in pins):
                (target / name).write_bytes(data)


def test_wheels_are_fetched_once_then_served_from_the_cache(tmp_path: Path) -> None:
    pins, contents = locked_wheels(tmp_path)
    fetcher = Fetcher(contents)
    cache = WheelCache(tmp_path / "cache", fetcher)
    first = cache(pins)
    second = cache(pins)
    assert fetcher.asked == [["alpha", "beta"]]
    assert first == second == sorted((tmp_path / "cache").glob("*.whl"))


def test_a_cached_wheel_whose_hash_the_lock_does_not_allow_is_not_used(tmp_path: Path) -> None:
    pins, contents = locked_wheels(tmp_path)
    (tmp_path / "cache").mkdir()
    for name, data in contents.items():
        (tmp_path / "cache" / name).write_bytes(data)
    beta = next(n for n in contents if n.startswith("beta-"))
    (tmp_path / "cache" / beta).write_bytes(contents[beta] + b"tampered")
    fetcher = Fetcher({})  # PyPI has nothing better
    with pytest.raises(PackageError, match=r"no wheel with a locked hash for beta==1\.0"):
        WheelCache(tmp_path / "cache", fetcher)(pins)
    assert fetcher.asked == [["beta"]]


def test_the_cache_directory_can_be_chosen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PELUIT_WHEEL_CACHE", str(tmp_path / "mine"))
    assert package.wheel_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("PELUIT_WHEEL_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert package.wheel_cache_dir() == tmp_path / "xdg/peluit/lambda-wheels-cp313-aarch64"


def test_pip_downloads_hash_checked_binary_wheels_for_lambda_arm64_python_313(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[list[str], str]] = []

    def run(command: list[str], **kwargs: Any) -> None:
        requirements = Path(command[command.index("--requirement") + 1]).read_text("utf-8")
        calls.append((command, requirements))

    monkeypatch.setattr(subprocess, "run", run)
    pip_download([Pin("cryptography", "50.0.2", frozenset({"b" * 64, "a" * 64}))], tmp_path)
    ((command, requirements),) = calls
    assert command[1:4] == ["-m", "pip", "download"]
    joined = " ".join(command)
    for needed in (
        "--only-binary=:all:",
        "--require-hashes",
        "--no-deps",
        "--platform manylinux2014_aarch64",
        "--platform manylinux_2_34_aarch64",
        "--python-version 3.13",
        "--implementation cp",
        f"--dest {tmp_path}",
    ):
        assert needed in joined
    assert requirements == (
        f"cryptography==50.0.2 --hash=sha256:{'a' * 64} --hash=sha256:{'b' * 64}\n"
    )


def test_a_failing_pip_is_a_deploy_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(command: list[str], **kwargs: Any) -> None:
        raise subprocess.CalledProcessError(1, command)

    monkeypatch.setattr(subprocess, "run", run)
    with pytest.raises(DeployError, match="dependencies failed"):
        pip_download([Pin("x", "1", frozenset({"a" * 64}))], tmp_path)
