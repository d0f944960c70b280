"""The functions' deployment package: one zip for both Lambda functions.

Contents: the `peluit` modules the handlers import (`modules.py`), `functions/*.py`, the
operator's configuration as `functions/peluit.toml` (where the handlers look for it), and the
runtime dependencies installed for Lambda's platform (arm64, Python 3.13) by pip. The zip is
reproducible — sorted entries, fixed timestamps and modes — so the same sources give the same
SHA-256, which names the object in the artifacts bucket: CloudFormation updates the functions
exactly when their code changed.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import DeployError, PackageError
from .modules import runtime_modules
from .source import Source

LAMBDA_PYTHON = "3.13"
# Lambda's python3.13 runs on Amazon Linux 2023 (glibc 2.34): wheels for any of these run there.
LAMBDA_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64")
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024  # Lambda's limit for a function's unzipped code
CONFIG_NAME = "functions/peluit.toml"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_SKIPPED_PARTS = frozenset({"__pycache__", "bin"})  # bytecode for the wrong Python; console scripts

# Installs `requirements` into the directory given, for Lambda's platform.
DependencyInstaller = Callable[[Sequence[str], Path], None]


@dataclass(frozen=True)
class LambdaPackage:
    data: bytes
    sha256: str
    names: tuple[str, ...]
    unzipped_bytes: int

    @property
    def key(self) -> str:
        """Its key in the artifacts bucket."""
        return f"lambda/{self.sha256}.zip"


def pip_install(requirements: Sequence[str], target: Path) -> None:
    """Install binary wheels for Lambda's platform with this interpreter's pip."""
    platforms = [arg for p in LAMBDA_PLATFORMS for arg in ("--platform", p)]
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--python-version",
        LAMBDA_PYTHON,
        *platforms,
        "--target",
        str(target),
        *requirements,
    ]
    try:
        subprocess.run(command, check=True)  # noqa: S603 (our own fixed arguments)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise DeployError(f"installing the functions' dependencies failed: {exc}") from None


def runtime_requirements(source: Source) -> list[str]:
    """What the functions need at run time: the project's dependencies plus its `aws` extra
    (boto3, pinned, rather than whatever version the Lambda runtime happens to carry: the store
    relies on S3's conditional writes)."""
    project = tomllib.loads(source.pyproject.read_text(encoding="utf-8"))["project"]
    extras: dict[str, list[str]] = project.get("optional-dependencies", {})
    return [*project.get("dependencies", []), *extras.get("aws", [])]


def build_lambda_package(
    source: Source,
    config_path: Path,
    install: DependencyInstaller = pip_install,
    requirements: Sequence[str] | None = None,
) -> LambdaPackage:
    handlers = sorted(source.functions.glob("*.py"))
    if not handlers:
        raise PackageError(f"no handlers in {source.functions}")
    files: dict[str, Path] = {}
    for relative in runtime_modules(source.root, handlers):
        files[relative.as_posix()] = source.root / relative
    for handler in handlers:
        files[handler.relative_to(source.root).as_posix()] = handler
    files[CONFIG_NAME] = config_path
    wanted = list(runtime_requirements(source) if requirements is None else requirements)
    with tempfile.TemporaryDirectory(prefix="peluit-deps-") as tmp:
        deps = Path(tmp)
        install(wanted, deps)
        for name, path in _dependency_files(deps):
            if name.split("/")[0] in {"peluit", "functions"}:
                raise PackageError(f"a dependency installs {name}, which would shadow our code")
            files.setdefault(name, path)
        return _zip(files)


def _dependency_files(root: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        skipped = _SKIPPED_PARTS.intersection(relative.parts) or path.suffix == ".pyc"
        if path.is_file() and not skipped:
            yield relative.as_posix(), path


def _zip(files: dict[str, Path]) -> LambdaPackage:
    buffer = io.BytesIO()
    unzipped = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            data = files[name].read_bytes()
            unzipped += len(data)
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise PackageError(
            f"the functions' package is {unzipped / 2**20:.0f} MiB unzipped; "
            f"Lambda allows {MAX_UNZIPPED_BYTES / 2**20:.0f} MiB"
        )
    data = buffer.getvalue()
    return LambdaPackage(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        names=tuple(sorted(files)),
        unzipped_bytes=unzipped,
    )
