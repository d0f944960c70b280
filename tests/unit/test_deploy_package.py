"""The Lambda package: only what the functions run, the operator's configuration, the
dependencies for Lambda's platform; reproducible and small. pip is replaced by a fake that
writes a tiny dependency tree, so nothing is downloaded."""

from __future__ import annotations

import io
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from peluit.deploy import package
from peluit.deploy.errors import DeployError, PackageError
from peluit.deploy.package import CONFIG_NAME, build_lambda_package, pip_install
from peluit.deploy.source import Source, find_source
from tests.support.factory import example_path

pytestmark = pytest.mark.unit


class FakePip:
    """Writes a few files where pip would, and remembers what it was asked for."""

    def __init__(self) -> None:
        self.requested: list[str] = []

    def __call__(self, requirements: Sequence[str], target: Path) -> None:
        self.requested = list(requirements)
        for name, text in {
            "boto3/__init__.py": "VERSION = 'fake'\n",
            "cryptography/__init__.py": "",
            "cryptography/hazmat/_rust.abi3.so": "\x7fELF",
            "cryptography-50.0.2.dist-info/METADATA": "Name: cryptography\n",
            "bin/jp.py": "#!/usr/bin/env python\n",
            "pydantic/__pycache__/main.cpython-311.pyc": "",
            "six.py": "",
        }.items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def built() -> tuple[package.LambdaPackage, FakePip]:
    pip = FakePip()
    return build_lambda_package(find_source(), example_path(), pip), pip


def names(pkg: package.LambdaPackage) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(pkg.data)) as archive:
        return archive.namelist()


def test_package_holds_the_handlers_and_the_modules_they_import(
    built: tuple[package.LambdaPackage, FakePip],
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


def test_package_leaves_out_the_cli_tools_tests_and_sources(
    built: tuple[package.LambdaPackage, FakePip],
) -> None:
    pkg, _ = built
    for name in pkg.names:
        assert not name.startswith(
            ("peluit/cli/", "peluit/serve/", "peluit/deploy/", "peluit/site/", "tests/")
        ), name
        assert not name.startswith(("docs/", "site/", "js/", "infra/", "scripts/")), name
        assert "__pycache__" not in name, name
        assert not name.endswith(".pyc"), name
        assert not name.startswith("bin/"), name
    assert "peluit/config/example.toml" not in pkg.names


def test_package_carries_the_operators_configuration_where_the_handlers_look(
    built: tuple[package.LambdaPackage, FakePip],
) -> None:
    pkg, _ = built
    with zipfile.ZipFile(io.BytesIO(pkg.data)) as archive:
        assert archive.read(CONFIG_NAME) == example_path().read_bytes()
    assert CONFIG_NAME == "functions/peluit.toml"  # functions/public.py's default path


def test_package_includes_the_installed_dependencies(
    built: tuple[package.LambdaPackage, FakePip],
) -> None:
    pkg, pip = built
    assert {"boto3/__init__.py", "cryptography/hazmat/_rust.abi3.so", "six.py"} <= set(pkg.names)
    assert "cryptography-50.0.2.dist-info/METADATA" in pkg.names
    pins = {r.split("==")[0]: r for r in pip.requested}
    assert {"cryptography", "pydantic", "boto3"} <= set(pins)
    assert all("==" in r for r in pip.requested)  # pinned, as in pyproject.toml
    for dev_only in ("pytest", "moto", "ruff", "mypy", "cfn-lint", "mkdocs-material"):
        assert dev_only not in pins


def test_package_is_small_and_reproducible(built: tuple[package.LambdaPackage, FakePip]) -> None:
    pkg, _ = built
    again = build_lambda_package(find_source(), example_path(), FakePip())
    assert again.data == pkg.data
    assert again.sha256 == pkg.sha256
    assert pkg.key == f"lambda/{pkg.sha256}.zip"
    assert len(pkg.data) < 1024 * 1024  # our code and config; the real dependencies add ~25 MiB
    with zipfile.ZipFile(io.BytesIO(pkg.data)) as archive:
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644


def test_a_package_over_lambdas_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(package, "MAX_UNZIPPED_BYTES", 10_000)
    with pytest.raises(PackageError, match="Lambda allows"):
        build_lambda_package(find_source(), example_path(), FakePip())


def fake_checkout(tmp_path: Path, handler: str) -> Source:
    """A checkout with one handler and a small `peluit` package."""
    for name, text in {
        "functions/__init__.py": "",
        "functions/handler.py": handler,
        "peluit/__init__.py": "",
        "peluit/core/__init__.py": "from .model import Thing\n",
        "peluit/core/model.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from peluit.serve import app\nclass Thing: ...\n",
        "peluit/cli/__init__.py": "",
        "peluit/cli/main.py": "",
        "peluit/unused.py": "",
        "infra/peluit.yaml": "",
        "pyproject.toml": '[project]\ndependencies = ["a==1"]\n'
        '[project.optional-dependencies]\naws = ["b==2"]\ndev = ["c==3"]\n',
    }.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return find_source(tmp_path)


def test_imports_are_followed_through_packages_and_relative_imports(tmp_path: Path) -> None:
    source = fake_checkout(tmp_path, "from peluit.core import Thing\n")
    pip = FakePip()
    pkg = build_lambda_package(source, tmp_path / "pyproject.toml", pip)
    ours = [n for n in pkg.names if n.startswith("peluit/")]
    # the TYPE_CHECKING import of peluit.serve is not followed; unused modules stay out
    assert ours == ["peluit/__init__.py", "peluit/core/__init__.py", "peluit/core/model.py"]
    assert pip.requested == ["a==1", "b==2"]


def test_a_function_importing_the_cli_stops_the_build(tmp_path: Path) -> None:
    source = fake_checkout(tmp_path, "def handler(e, c):\n    from peluit.cli import main\n")
    with pytest.raises(PackageError, match=r"imports peluit\.cli"):
        build_lambda_package(source, tmp_path / "pyproject.toml", FakePip())


def test_pip_is_asked_for_binary_wheels_for_lambda_arm64_python_313(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def run(command: list[str], **kwargs: Any) -> None:
        calls.append(command)

    monkeypatch.setattr(subprocess, "run", run)
    pip_install(["cryptography==50.0.2"], tmp_path)
    (command,) = calls
    assert command[1:4] == ["-m", "pip", "install"]
    joined = " ".join(command)
    assert "--only-binary=:all:" in command
    assert "--platform manylinux2014_aarch64" in joined
    assert "--python-version 3.13" in joined
    assert "--implementation cp" in joined
    assert f"--target {tmp_path}" in joined
    assert command[-1] == "cryptography==50.0.2"


def test_a_failing_pip_is_a_deploy_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(command: list[str], **kwargs: Any) -> None:
        raise subprocess.CalledProcessError(1, command)

    monkeypatch.setattr(subprocess, "run", run)
    with pytest.raises(DeployError, match="dependencies failed"):
        pip_install(["x==1"], tmp_path)
