"""The functions' deployment package: one zip for both Lambda functions.

Contents: the `peluit` modules the handlers import (`modules.py`), `functions/*.py`, the
operator's configuration as `functions/peluit.toml` (where the handlers look for it), and the
runtime dependencies, unpacked from the wheels `functions/requirements.lock` names — exact
versions, every file's SHA-256 checked — for Lambda's platform (arm64, Python 3.13). The wheels
are kept in a cache directory (`wheel_cache_dir()`), so a second build needs no network.

The zip is reproducible — sorted entries, fixed timestamps, modes and creator — so the same
commit gives the same SHA-256, which names the object in the artifacts bucket: CloudFormation
updates the functions exactly when their code changed.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import DeployError, PackageError
from .modules import runtime_modules
from .source import Source

LAMBDA_PYTHON = "3.13"
# Lambda's python3.13 runs on Amazon Linux 2023 (glibc 2.34): wheels for any of these run there.
LAMBDA_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64")
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024  # Lambda's limit for a function's unzipped code
CONFIG_NAME = "functions/peluit.toml"
CACHE_ENV = "PELUIT_WHEEL_CACHE"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_UNIX = 3  # ZipInfo.create_system: the same on every build machine
_SKIPPED_PARTS = frozenset({"__pycache__"})  # bytecode for another Python
_WHEEL_DATA_KEPT = frozenset({"purelib", "platlib"})  # `.data/scripts`, headers: not run
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)$")
_HASH = re.compile(r"^--hash=sha256:([0-9a-f]{64})$")


@dataclass(frozen=True)
class Pin:
    """One locked distribution: exact version, and the SHA-256 of each file allowed for it."""

    name: str  # normalised (PEP 503): lower case, runs of -_. as one -
    version: str
    hashes: frozenset[str]


# The wheel file of each pin, read from wherever it is kept (hashes already checked).
WheelProvider = Callable[[Sequence[Pin]], Sequence[Path]]
# Puts wheels for `pins` (Lambda's platform) into the directory given.
WheelFetcher = Callable[[Sequence[Pin], Path], None]


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

    def describe(self) -> str:
        """Its size for the operator, and how much room Lambda leaves."""
        return (
            f"{len(self.data) / 2**20:.1f} MiB zip, {self.unzipped_bytes / 2**20:.1f} MiB "
            f"unzipped (Lambda allows {MAX_UNZIPPED_BYTES / 2**20:.0f} MiB), "
            f"sha256 {self.sha256[:16]}…"
        )


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> tuple[Pin, ...]:
    """The pins of a `--generate-hashes` lock file (`name==version` and its `--hash` lines)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackageError(f"cannot read the lock file {path}: {exc}") from None
    pins: list[Pin] = []
    for entry in _logical_lines(text):
        head, *options = entry.split()
        match = _PIN.match(head)
        hashes = [_HASH.match(option) for option in options]
        if match is None or not hashes or None in hashes:
            raise PackageError(
                f"{path}: {entry!r} is not `name==version --hash=sha256:…` (run `make lock`)"
            )
        found = frozenset(h.group(1) for h in hashes if h is not None)
        pins.append(Pin(normalise(match.group(1)), match.group(2), found))
    if not pins:
        raise PackageError(f"{path} pins nothing (run `make lock`)")
    return tuple(pins)


def _logical_lines(text: str) -> Iterator[str]:
    """Entries with their continuation lines joined, comments dropped."""
    joined = ""
    for raw in text.splitlines():
        line = raw.partition("#")[0].strip()
        if line.endswith("\\"):
            joined += line[:-1] + " "
            continue
        joined = (joined + line).strip()
        if joined:
            yield joined
        joined = ""
    if joined.strip():
        yield joined.strip()


def check_lock_matches_project(pins: Sequence[Pin], pyproject: Path) -> None:
    """Every exact pin in pyproject.toml (dependencies, `aws` and `dev` extras) of a locked
    distribution has the locked version, and every runtime dependency is locked: otherwise the
    venv the tests run in and the functions' package could differ (`make lock` re-locks)."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    extras: dict[str, list[str]] = project.get("optional-dependencies", {})
    runtime = [*project.get("dependencies", []), *extras.get("aws", [])]
    locked = {pin.name: pin.version for pin in pins}
    for requirement in [*runtime, *extras.get("dev", [])]:
        name, sep, version = requirement.partition("==")
        key = normalise(name.split("[")[0].strip())
        required = requirement in runtime
        if required and key not in locked:
            raise PackageError(f"{requirement} is not in the functions' lock: run `make lock`")
        if sep and key in locked and locked[key] != version.strip():
            raise PackageError(
                f"pyproject.toml pins {requirement.strip()} but the functions' lock has "
                f"{key}=={locked[key]}: run `make lock`"
            )


def wheel_cache_dir() -> Path:
    """Where Lambda wheels are kept between builds: $PELUIT_WHEEL_CACHE, or under the user's
    cache directory (one directory per target, so no other platform's wheel is picked up)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "peluit" / f"lambda-wheels-cp{LAMBDA_PYTHON.replace('.', '')}-aarch64"


def pip_download(pins: Sequence[Pin], target: Path) -> None:
    """Download binary wheels for Lambda's platform with this interpreter's pip, each file
    checked against the lock's hashes (pip refuses any other)."""
    platforms = [arg for p in LAMBDA_PLATFORMS for arg in ("--platform", p)]
    lines = [
        " ".join(
            [f"{pin.name}=={pin.version}", *(f"--hash=sha256:{h}" for h in sorted(pin.hashes))]
        )
        for pin in pins
    ]
    with tempfile.TemporaryDirectory(prefix="peluit-lock-") as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text("\n".join(lines) + "\n", encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",  # the lock is complete: every dependency is pinned in it
            "--require-hashes",
            "--only-binary=:all:",
            "--implementation",
            "cp",
            "--python-version",
            LAMBDA_PYTHON,
            *platforms,
            "--dest",
            str(target),
            "--requirement",
            str(requirements),
        ]
        try:
            subprocess.run(command, check=True)  # noqa: S603 (our own fixed arguments)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise DeployError(f"downloading the functions' dependencies failed: {exc}") from None


@dataclass(frozen=True)
class WheelCache:
    """Wheels from a cache directory; what is missing is fetched (pip, from PyPI) first."""

    directory: Path | None = None  # None: wheel_cache_dir()
    fetch: WheelFetcher = pip_download

    def __call__(self, pins: Sequence[Pin]) -> list[Path]:
        directory = self.directory or wheel_cache_dir()
        directory.mkdir(parents=True, exist_ok=True)
        found = _cached(pins, directory)
        missing = [pin for pin in pins if pin not in found]
        if missing:
            self.fetch(missing, directory)
            found = _cached(pins, directory)
        still = [f"{pin.name}=={pin.version}" for pin in pins if pin not in found]
        if still:
            raise PackageError(
                f"no wheel with a locked hash for {', '.join(still)} in {directory}: is there a "
                f"wheel for Lambda (python{LAMBDA_PYTHON}, arm64) of that version?"
            )
        return [found[pin] for pin in pins]


def _cached(pins: Sequence[Pin], directory: Path) -> dict[Pin, Path]:
    """For each pin, a wheel in `directory` of that name and version whose SHA-256 the lock
    allows (the first by file name, should there be several)."""
    found: dict[Pin, Path] = {}
    wanted = {(pin.name, pin.version): pin for pin in pins}
    for wheel in sorted(directory.glob("*.whl")):
        name, _, rest = wheel.name.partition("-")
        pin = wanted.get((normalise(name), rest.split("-", 1)[0]))
        if pin is None or pin in found:
            continue
        if hashlib.sha256(wheel.read_bytes()).hexdigest() in pin.hashes:
            found[pin] = wheel
    return found


def build_lambda_package(
    source: Source, config_path: Path, wheels: WheelProvider | None = None
) -> LambdaPackage:
    handlers = sorted(source.functions.glob("*.py"))
    if not handlers:
        raise PackageError(f"no handlers in {source.functions}")
    pins = read_lock(source.lock)
    check_lock_matches_project(pins, source.pyproject)
    files: dict[str, Path | bytes] = {}
    for relative in runtime_modules(source.root, handlers):
        files[relative.as_posix()] = source.root / relative
    for handler in handlers:
        files[handler.relative_to(source.root).as_posix()] = handler
    files[CONFIG_NAME] = config_path
    for wheel in (wheels or WheelCache())(pins):
        for name, data in wheel_files(wheel):
            if name.split("/")[0] in {"peluit", "functions"}:
                raise PackageError(f"{wheel.name} installs {name}, which would shadow our code")
            files.setdefault(name, data)
    return _zip(files)


def wheel_files(wheel: Path) -> Iterator[tuple[str, bytes]]:
    """What installing `wheel` puts on the import path, as (path, contents): its `.data`
    purelib/platlib moved to the top, scripts and bytecode left out."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            for info in archive.infolist():
                name = _installed_name(wheel, info.filename)
                if name is not None and not info.is_dir():
                    yield name, archive.read(info)
    except (OSError, zipfile.BadZipFile) as exc:
        raise PackageError(f"cannot unpack {wheel.name}: {exc}") from None


def _installed_name(wheel: Path, member: str) -> str | None:
    path = PurePosixPath(member)
    if path.is_absolute() or ".." in path.parts or "\\" in member:
        raise PackageError(f"{wheel.name} holds an unsafe path {member!r}")
    parts = path.parts
    if parts and parts[0].endswith(".data"):
        if len(parts) < 3 or parts[1] not in _WHEEL_DATA_KEPT:
            return None
        parts = parts[2:]
    if _SKIPPED_PARTS.intersection(parts) or member.endswith(".pyc"):
        return None
    return "/".join(parts)


def _zip(files: dict[str, Path | bytes]) -> LambdaPackage:
    buffer = io.BytesIO()
    unzipped = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            content = files[name]
            data = content if isinstance(content, bytes) else content.read_bytes()
            unzipped += len(data)
            archive.writestr(_entry(name), data, compresslevel=6)
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


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry that depends on nothing but its name: time, mode, creator fixed."""
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.create_system = _UNIX
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
