"""Small file-system helpers of the local store (`local_files`, `local`): a file's identity,
its SHA-256, age and kind, directory fsyncs and quiet unlinks."""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 16  # bytes read at a time


def identity(st: os.stat_result) -> tuple[int, ...]:
    """What changes whenever a file's content can have changed (ctime cannot be set back)."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def hash_stream(f: BinaryIO) -> bytes:
    h = hashlib.sha256()
    while chunk := f.read(CHUNK):
        h.update(chunk)
    return h.digest()


def is_regular(path: Path) -> bool:
    """Is there a regular file (not a symlink, not a directory) at `path`?"""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False


def older(path: Path, cutoff_ns: int) -> bool:
    """Is `path` a regular file last modified before `cutoff_ns`?"""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_mtime_ns < cutoff_ns


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def unlink_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
