"""The SHA-256s the local store remembers, in memory only (see `local`'s docstring for why
nothing is stored): by key, with the identity (inode, size, mtime, ctime) of the file they were
taken of, so that a file that moved is hashed afresh."""

from __future__ import annotations

import hmac
import os
import threading
from collections import OrderedDict
from typing import BinaryIO

from .errors import ObjectChangedError
from .local_io import hash_stream, identity

KEPT = 4096  # recorded SHA-256s (a few hundred KiB); the oldest go first


class Digests:
    def __init__(self) -> None:
        self._digests: OrderedDict[str, tuple[tuple[int, ...], bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def verified(self, key: str, f: BinaryIO, expected: bytes | None = None) -> bytes:
        """The SHA-256 of `key`'s open file, read and hashed now (from its start), which must be
        the one recorded for this very file (device and inode) when it was written or last
        hashed through this store (`ObjectChangedError` if not: changed in place since), and
        `expected` if given (what the caller checked the object to have: another file may
        have taken the key since). With neither, what is read is all there is to go by, as for
        a copy of its bytes."""
        with self._lock:
            known = self._digests.get(key)
        current = identity(os.fstat(f.fileno()))
        digest = hash_stream(f)
        same_file = known is not None and known[0][:2] == current[:2]  # device and inode
        if same_file and known is not None and not hmac.compare_digest(known[1], digest):
            raise ObjectChangedError(f"{key!r} changed in place since it was last read")
        if expected is not None and not hmac.compare_digest(expected, digest):
            raise ObjectChangedError(f"{key!r} is not the object that was checked")
        return digest

    def of(self, key: str, f: BinaryIO) -> bytes:
        """The SHA-256 of `key`'s open file: the one recorded when this very file was written
        or last hashed (the same inode, size, mtime and ctime, which any change to the file
        moves), else hashed now. A staged segment is hashed when uploaded, not again by each
        (replayed) finalize: S3 likewise keeps an upload's checksum."""
        current = identity(os.fstat(f.fileno()))
        with self._lock:
            known = self._digests.get(key)
        if known is not None and known[0] == current:
            return known[1]
        digest = hash_stream(f)
        self.remember(key, current, digest)
        return digest

    def remember(self, key: str, file_identity: tuple[int, ...], digest: bytes) -> None:
        with self._lock:
            self._digests[key] = (file_identity, digest)
            self._digests.move_to_end(key)
            while len(self._digests) > KEPT:
                self._digests.popitem(last=False)
