"""The port the log reads and writes through: paths relative to the log's prefix
(`checkpoint`, `tile/0/000`, …), bytes in and out. A directory is one adapter (the
files a site serves under /log/); the witness reads a URL through another (cli)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol

from .errors import TileError


class LogFiles(Protocol):
    def read(self, path: str) -> bytes | None:
        """The file's bytes, or None when there is no such file."""
        ...

    def write(self, path: str, data: bytes) -> None: ...


def _checked(path: str) -> str:
    parts = path.split("/")
    if path.startswith("/") or any(p in {"", ".", ".."} for p in parts):
        raise TileError(f"not a path inside the log: {path!r}")
    return path


class DirectoryFiles:
    """A log kept as files under `root`, written atomically (a new file, then a rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, path: str) -> bytes | None:
        try:
            return (self.root / _checked(path)).read_bytes()
        except FileNotFoundError:
            return None

    def write(self, path: str, data: bytes) -> None:
        target = self.root / _checked(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(temp, 0o644)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


class MemoryFiles:
    """A log held in a dict (tests)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def read(self, path: str) -> bytes | None:
        return self.files.get(_checked(path))

    def write(self, path: str, data: bytes) -> None:
        self.files[_checked(path)] = data
