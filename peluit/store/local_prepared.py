"""The local store's prepared writes (`LocalStore.prepare_new`, `prepare_copy`; the port's
`PreparesWrites`, ADR 0060): made ready now (a fsynced temp file, an opened and verified source),
linked into place by `commit`, dropped by `discard`; each does its part once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import StoreError
from .local_files import Staged
from .local_io import unlink_quietly
from .port import ObjectInfo


class PreparedFile:
    """A staged temp file awaiting its create-only link (`LocalStore.prepare_new`)."""

    def __init__(
        self,
        link: Callable[[Staged, Path, str], ObjectInfo],
        staged: Staged,
        path: Path,
        key: str,
        tidy: Callable[[], None],
    ) -> None:
        """`tidy`: removes the directories made for it that are empty again (on `discard`)."""
        self._link = link
        self._tidy = tidy
        self._staged = staged
        self._path = path
        self._key = key
        self._lock = threading.Lock()
        self._done = False  # committed or discarded: the temp file is gone

    def commit(self) -> ObjectInfo:
        with self._lock:
            if self._done:
                raise StoreError(f"the write of {self._key!r} was already committed or dropped")
            self._done = True
            try:
                return self._link(self._staged, self._path, self._key)
            finally:
                if not self._staged.renamed:
                    unlink_quietly(self._staged.path)

    def discard(self) -> None:
        with self._lock:
            if not self._done:
                self._done = True
                unlink_quietly(self._staged.path)
                self._tidy()  # a refused request leaves no trace of where it would have written


class PreparedCopy:
    """An opened, verified source awaiting its link into place (`LocalStore.prepare_copy`)."""

    def __init__(
        self, link: Callable[[], ObjectInfo], src: BinaryIO, tidy: Callable[[], None]
    ) -> None:
        self._link = link
        self._tidy = tidy
        self._src = src
        self._lock = threading.Lock()
        self._done = False

    def commit(self) -> ObjectInfo:
        with self._lock:
            if self._done:
                raise StoreError("this copy was already committed or dropped")
            self._done = True
            try:
                return self._link()
            finally:
                self._src.close()

    def discard(self) -> None:
        with self._lock:
            if not self._done:
                self._done = True
                self._src.close()
                self._tidy()


class FailedWrite:
    """A write that could not be made ready: its `commit` raises what was found."""

    def __init__(self, error: StoreError) -> None:
        self._error = error

    def commit(self) -> ObjectInfo:
        raise self._error

    def discard(self) -> None:
        return None
