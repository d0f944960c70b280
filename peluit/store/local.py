"""The local-directory adapter: one machine, objects as files, the same keys and errors as S3.

How the files are laid out and written (crash-safe, create-only or locked replace) is
`local_files.FileTree`'s; this module gives them the `ObjectStore` port's meaning.

The etag is the hex SHA-256 of the content, computed when asked for and otherwise only
remembered in memory for a file whose identity (inode, size, mtime, ctime) has not moved:
nothing else is stored. A sidecar (or an on-disk cache keyed by inode and mtime) is a second
source of truth that cannot change in the same step as the object: after a crash, or an inode
reused within one timestamp tick, it would give a stale etag, and a conditional `replace`
would then succeed against content its caller never saw; `replace` therefore always hashes
afresh. Hashing costs a read of the object, cheap at the sizes and volumes of one machine; it
does make `list` read every object it has not hashed yet.

Because objects are files, a key cannot also be a "directory" of other keys here: with an
object at `a`, a write to `a/b` raises `InvalidKeyError` (and the other way round), where
S3 would accept both. Choose keys so that none extends another by "/".

Presigned uploads and downloads are emulated for `peluit serve` by the `LocalUrlSigner` the
store is given (`local_urls`): `presign_put` and `presign_get` ask it for signed URLs, and the
local HTTP server hands each PUT to `accept_upload` and each GET to `open_download`, which
have the signer check the URL before touching a file. A store given no signer (one opened
only to read, as `peluit audit verify` does) holds no secret and refuses to presign.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from .errors import (
    ObjectChangedError,
    ObjectExistsError,
    ObjectNotFoundError,
    PreconditionFailedError,
    StoreError,
    UploadRejectedError,
)
from .keys import validate_key, validate_prefix
from .local_digests import Digests
from .local_files import ByteSource, FileTree, HashingSink, Staged, copy_exactly
from .local_io import CHUNK, fsync_dir, identity, is_regular, older, unlink_quietly
from .local_prepared import FailedWrite, PreparedCopy, PreparedFile
from .local_urls import LocalUrlSigner, timestamp_ns
from .port import ObjectInfo, PreparedWrite, UploadTicket

__all__ = ["ByteSource", "LocalStore", "LocalUrlSigner"]


class LocalStore:
    """An `ObjectStore` in a directory on one machine (see the module docstring)."""

    # Reads are local system calls: running them side by side on threads only slows them
    # (core/parallel.py `reads_wait`); writes still wait on fsync and do run side by side.
    reads_wait = False

    def __init__(
        self, root: Path, clock: Callable[[], datetime], urls: LocalUrlSigner | None = None
    ) -> None:
        """`clock` returns an aware datetime; `urls` signs and checks the URLs of the local
        server's upload and download endpoints (None: this store cannot presign)."""
        self._files = FileTree(Path(root))
        self._clock = clock
        self._urls = urls
        # key → (the file's identity, its SHA-256), as S3 keeps an upload's checksum: a staged
        # segment is hashed once, when written, not again by every (replayed) finalize.
        self._digests = Digests()  # remembered SHA-256s, in memory only

    # -- writes -------------------------------------------------------------------------

    def put_new(self, key: str, data: bytes) -> ObjectInfo:
        """Create `key` with `data`; `ObjectExistsError` if it exists."""
        path = self._files.path(key)
        self._files.refuse_existing(path, key)
        with self._files.staged(path, lambda sink: sink.write(data)) as staged:
            return self._link_new(staged, path, key)

    def prepare_new(self, key: str, data: bytes) -> PreparedWrite:
        """`data` in a fsynced temp file beside `key`'s (never listed, no key), linked into
        place by `commit` as `put_new` links it: the slow part of a write (creating and
        fsyncing the file) done while earlier steps of a request run (ADR 0060)."""
        path = self._files.path(key)
        staged = self._files.stage(path, lambda sink: sink.write(data))
        tidy = functools.partial(self._files.remove_empty_parents, path.parent)
        return PreparedFile(self._link_new, staged, path, key, tidy)

    def put_new_stream(self, key: str, src: BinaryIO, size: int) -> ObjectInfo:
        """Create `key` from exactly `size` bytes of `src` (never reads more); `ValueError`
        if `src` ends sooner, `ObjectExistsError` if the key exists."""
        path = self._files.path(key)
        _check_size(size)
        self._files.refuse_existing(path, key)

        def fill(sink: HashingSink) -> None:
            copy_exactly(src, sink, size, _short_source)

        with self._files.staged(path, fill) as staged:
            return self._link_new(staged, path, key)

    def replace(self, key: str, data: bytes, if_match: str | None) -> ObjectInfo:
        """Write `key` if its current etag is `if_match` (if it is absent when None), else
        `PreconditionFailedError`. Safe against other threads and processes."""
        path = self._files.path(key)
        if if_match is not None and not is_regular(path):  # spare the write; decided below
            raise PreconditionFailedError(f"no object at {key!r} to replace")
        with self._files.staged(path, lambda sink: sink.write(data)) as staged:
            if if_match is None:
                try:
                    return self._link_new(staged, path, key)
                except ObjectExistsError:
                    raise PreconditionFailedError(
                        f"an object already exists at {key!r} (expected none)"
                    ) from None
            with self._files.lock(key):
                current = self._files.current_etag(path)
                if current is None:
                    raise PreconditionFailedError(f"no object at {key!r} to replace")
                if current != if_match:
                    raise PreconditionFailedError(f"the object at {key!r} has changed")
                self._files.replace_with(staged, path, key)
            return ObjectInfo(key=key, size=staged.size, etag=staged.sha256.hex())

    def copy_new(self, source: str, dest: str) -> ObjectInfo:
        """Copy `source` to a new key `dest`; `ObjectExistsError` if `dest` exists.

        The copy is a hard link of the source's file where the filesystem allows (no bytes
        written, no data fsync: objects are never modified in place, ADR 0060), else a copy of
        its bytes. Either way the source is read first and must hash to the SHA-256 this
        store last recorded for it (when it was written, or checked with `head`/`sha256`):
        `ObjectChangedError`, with nothing at `dest`, if it was changed in place since."""
        self._files.refuse_existing(self._files.path(dest), dest)
        prepared = self.prepare_copy(source, dest)
        try:
            return prepared.commit()
        finally:
            prepared.discard()

    def prepare_copy(self, source: str, dest: str, sha256: bytes | None = None) -> PreparedWrite:
        """`copy_new(source, dest)` made ready for a later `commit`: the source opened, read and
        verified now, `dest`'s directories made; `commit` then links it into place. What
        `copy_new` would raise about the source (`ObjectNotFoundError`, `ObjectChangedError`)
        is raised by `commit`; with `sha256` (what the caller checked), a source whose bytes
        hash otherwise is `ObjectChangedError`, whatever this store remembers."""
        dest_path = self._files.path(dest)
        source_path = self._files.path(source)
        try:
            src = self._files.open_object(source)
        except ObjectNotFoundError as e:
            return FailedWrite(e)
        try:
            digest = self._digests.verified(source, src, sha256)
            self._files.make_parents(dest_path)
        except ObjectChangedError as e:
            src.close()
            return FailedWrite(e)
        except BaseException:
            src.close()
            raise
        return PreparedCopy(
            lambda: self._link_copy(src, digest, source, source_path, dest, dest_path),
            src,
            functools.partial(self._files.remove_empty_parents, dest_path.parent),
        )

    # -- reads --------------------------------------------------------------------------

    def get(self, key: str) -> bytes:
        with self._files.open_object(key) as f:
            return f.read()

    def get_with_info(self, key: str) -> tuple[bytes, ObjectInfo]:
        with self._files.open_object(key) as f:
            data = f.read()
        return data, ObjectInfo(key=key, size=len(data), etag=hashlib.sha256(data).hexdigest())

    def open(self, key: str) -> BinaryIO:
        """A real file object open on the object's content (the caller closes it)."""
        return self._files.open_object(key)

    def read_range(self, key: str, start: int, length: int) -> bytes:
        """Up to `length` bytes from offset `start`; empty past the end."""
        validate_key(key)
        if start < 0 or length < 0:
            raise ValueError("start and length must not be negative")
        with self._files.open_object(key) as f:
            f.seek(start)
            return f.read(length)

    def head(self, key: str) -> ObjectInfo:
        with self._files.open_object(key) as f:
            size = os.fstat(f.fileno()).st_size
            etag = self._digests.of(key, f).hex()
        return ObjectInfo(key=key, size=size, etag=etag)

    def sha256(self, key: str) -> bytes:
        with self._files.open_object(key) as f:
            return self._digests.of(key, f)

    # -- presigned uploads and downloads (checked by the signer) ----------------------------

    def presign_put(
        self, key: str, size: int, sha256: bytes, expires_in: timedelta
    ) -> UploadTicket:
        """A signed URL on the local HTTP server for one create-only PUT (see
        `accept_upload`). The browser sends the ticket's headers; it sets Content-Length
        itself."""
        return self._signer().upload_ticket(key, size, sha256, expires_in, self._now())

    def accept_upload(
        self,
        key: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: ByteSource,
        content_length: int | None,
    ) -> ObjectInfo:
        """Store the body of a PUT to a URL from `presign_put`, if it keeps the signed terms.

        `key` is the URL path after the upload base, `query` its parameters (one value
        each), `headers` the request headers (any case). Raises `UploadRejectedError` for a
        bad or expired signature, a Content-Length other than the signed size, a
        mismatching checksum header, a body shorter than the size or hashing to another
        SHA-256; `ObjectExistsError` if the key exists. Never reads more than the signed
        size from `body`; after a rejection the HTTP layer should close the connection,
        since part of the body may be unread. Nothing is left at the key or in a temp file
        when this raises.
        """
        path = self._files.path(key)
        size, sha256 = self._signer().upload_terms(key, query, headers, content_length, self._now())
        self._files.refuse_existing(path, key)  # spares reading the body

        def short_body(received: int) -> Exception:
            return UploadRejectedError(
                f"the upload body ended after {received} of the {size} signed bytes"
            )

        def fill(sink: HashingSink) -> None:
            copy_exactly(body, sink, size, short_body)

        with self._files.staged(path, fill) as staged:
            if not hmac.compare_digest(staged.sha256, sha256):
                raise UploadRejectedError(
                    "the upload body's SHA-256 is not the one the URL was signed for"
                )
            return self._link_new(staged, path, key)

    def presign_get(self, key: str, expires_in: timedelta) -> str:
        """A signed URL on the local HTTP server for GETs of `key` until it expires (see
        `open_download`). Does not check that the object exists."""
        return self._signer().download_url(key, expires_in, self._now())

    def open_download(self, key: str, query: Mapping[str, str]) -> BinaryIO:
        """Open `key` for a GET to a URL from `presign_get` (the caller closes it):
        `DownloadRejectedError` for a malformed, altered or expired URL,
        `ObjectNotFoundError` if the object is absent."""
        self._signer().check_download(key, query, self._now())
        return self._files.open_object(key)

    # -- local only ---------------------------------------------------------------------

    def expire(self, prefix: str, older_than: timedelta) -> int:
        """Delete the objects under `prefix` last written more than `older_than` ago (by
        `clock`); return how many. Also removes temp files that old (left by a crash) and
        directories it empties. The prefix must not be empty: expiry is for areas such as
        `staging/`, never the whole store."""
        validate_prefix(prefix)
        if not prefix:
            raise ValueError("expire needs a prefix; it never applies to the whole store")
        if older_than <= timedelta(0):
            raise ValueError("older_than must be positive")
        cutoff_ns = timestamp_ns(self._now() - older_than)
        deleted = 0
        for entry_key, path in self._files.walk(prefix, temps=True):
            if not older(path, cutoff_ns):
                continue
            if entry_key is None:  # a temp file: only a crashed writer leaves one this old
                unlink_quietly(path)
                continue
            with self._files.lock(entry_key) as lock_path:
                if not older(path, cutoff_ns):  # replaced meanwhile: check again, locked
                    continue
                os.unlink(path)
                fsync_dir(path.parent)
                deleted += 1
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(lock_path)  # safe while held: `lock` re-checks the inode
            self._files.remove_empty_parents(path.parent)
        return deleted

    def sweep_temps(self, older_than: timedelta) -> int:
        """Remove temp files last written more than `older_than` ago anywhere in the store,
        never an object; return how many. Only a writer that crashed leaves one that old: a
        put, or a finalize between preparing its objects and linking them (ADR 0060), whose
        temp files hold a case's ciphertext and must not outlive its disposal."""
        if older_than <= timedelta(0):
            raise ValueError("older_than must be positive")
        cutoff_ns = timestamp_ns(self._now() - older_than)
        removed = 0
        for entry_key, path in self._files.walk("", temps=True):
            if entry_key is None and older(path, cutoff_ns):
                unlink_quietly(path)
                removed += 1
        return removed

    # -- listing (last: the method name `list` shadows the builtin in this class body) ---

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        """Every object whose key starts with `prefix`, in key order. The prefix is checked
        now (`InvalidKeyError`), the directory read as the iterator is consumed."""
        validate_prefix(prefix)
        return self._list(prefix)

    def list_keys(self, prefix: str, start_after: str | None = None) -> Iterator[str]:
        """As `list`, without opening the files (the etag is a hash of the content);
        directories wholly before `start_after` are not read."""
        validate_prefix(prefix)
        walked = self._files.walk(prefix, temps=False, after=start_after or "")
        return (key for key, _ in walked if key is not None)

    # -- internals ----------------------------------------------------------------------

    def _list(self, prefix: str) -> Iterator[ObjectInfo]:
        for key, path in self._files.walk(prefix, temps=False):
            if key is None:
                continue
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            except FileNotFoundError:
                continue  # expired between the directory read and now
            with os.fdopen(fd, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                etag = self._digests.of(key, f).hex()
            yield ObjectInfo(key=key, size=size, etag=etag)

    def _link_copy(
        self, src: BinaryIO, digest: bytes, source: str, source_path: Path, dest: str, path: Path
    ) -> ObjectInfo:
        """`dest` made a link of the opened, verified `src` (create-only), else a copy of it."""
        self._files.refuse_existing(path, dest)
        if self._files.link_existing(src, source_path, path, dest):
            with contextlib.suppress(OSError):  # the link moved the shared file's ctime
                linked = identity(os.lstat(path))
                self._digests.remember(source, linked, digest)
                self._digests.remember(dest, linked, digest)
            return ObjectInfo(key=dest, size=os.fstat(src.fileno()).st_size, etag=digest.hex())
        src.seek(0)

        def fill(sink: HashingSink) -> None:
            while chunk := src.read(CHUNK):
                sink.write(chunk)

        with self._files.staged(path, fill) as staged:
            if staged.sha256 != digest:
                raise ObjectChangedError(f"{source!r} changed while it was copied")
            return self._link_new(staged, path, dest)

    def _link_new(self, staged: Staged, path: Path, key: str) -> ObjectInfo:
        self._files.link_new(staged, path, key)
        with contextlib.suppress(OSError):  # after the link and unlink, which move its ctime
            self._digests.remember(key, identity(os.lstat(path)), staged.sha256)
        return ObjectInfo(key=key, size=staged.size, etag=staged.sha256.hex())

    def _signer(self) -> LocalUrlSigner:
        if self._urls is None:
            raise StoreError("this local store was given no URL signer, so it cannot presign")
        return self._urls

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the clock must return an aware datetime")
        return now


def _short_source(received: int) -> Exception:
    return ValueError(f"the source ended after {received} bytes, before the size given")


def _check_size(size: int) -> None:
    if size < 0:
        raise ValueError("size must not be negative")
