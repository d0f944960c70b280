"""The local-directory adapter: one machine, objects as files, the same keys and errors as S3.

Layout under `root`:

    objects/<key>       one regular file per object, written once and never modified in place
    objects/**/.tmp-*   a write in progress (no valid key segment starts with "."; never listed)
    locks/<sha256(key)> per-key lock files for conditional replace and expiry (`fcntl.flock`)

Every write goes to a temp file beside its destination, is flushed and fsynced, and then
appears in one step: `os.link` for create-only writes (fails if the key exists),
`os.replace` for replacements; the directory is fsynced afterwards. A reader therefore sees
a whole old object or a whole new one, and a crash leaves at worst a stale temp file, which
`expire` removes.

The etag is the hex SHA-256 of the content, computed when asked for; nothing else is
stored. A sidecar (or a cache keyed by inode and mtime) is a second source of truth that
cannot change in the same step as the object: after a crash, or an inode reused within one
timestamp tick, it would give a stale etag, and a conditional `replace` would then succeed
against content its caller never saw. Hashing costs a read of the object, cheap at the
sizes and volumes of one machine; it does make `list` read every object it lists.

Because objects are files, a key cannot also be a "directory" of other keys here: with an
object at `a`, a write to `a/b` raises `InvalidKeyError` (and the other way round), where
S3 would accept both. Choose keys so that none extends another by "/".

Presigned uploads are emulated: `presign_put` signs the terms (key, size, SHA-256,
expiry) with HMAC-SHA256 under `upload_secret`, and the local HTTP server hands each PUT to
`accept_upload`, which enforces them as S3 does for a presigned create-only PUT.
Presigned downloads likewise: `presign_get` signs (key, expiry) under the same secret in
another context, and `open_download` checks a GET's URL before opening the object.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import fcntl
import hashlib
import hmac
import math
import os
import re
import stat
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

from .errors import (
    DownloadRejectedError,
    InvalidKeyError,
    ObjectExistsError,
    ObjectNotFoundError,
    PreconditionFailedError,
    StoreError,
    UploadRejectedError,
)
from .keys import validate_key, validate_prefix
from .port import ObjectInfo, UploadTicket

_CHUNK = 1 << 16
_TEMP_PREFIX = ".tmp-"
_MIN_SECRET_BYTES = 32
_MAX_PRESIGN_EXPIRY = timedelta(days=7)  # S3's limit for SigV4 presigned URLs
_SIGNING_CONTEXT = "peluit-local-upload-v1"
_DOWNLOAD_CONTEXT = "peluit-local-download-v1"
_CHECKSUM_HEADER = "x-amz-checksum-sha256"
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,17}")  # canonical, no sign, no leading zeros
_B64URL_32_BYTES = re.compile(r"[A-Za-z0-9_-]{43}")
_DIRECTORY_ATTEMPTS = 5
_DIGESTS_KEPT = 4096  # recorded SHA-256s (a few hundred KiB); the oldest go first
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ByteSource(Protocol):
    """What `accept_upload` reads a body from: a `BinaryIO`, or `http.server`'s `rfile`."""

    def read(self, size: int, /) -> bytes: ...


class LocalStore:
    """An `ObjectStore` in a directory on one machine (see the module docstring)."""

    def __init__(
        self,
        root: Path,
        upload_secret: bytes,
        upload_base_url: str,
        clock: Callable[[], datetime],
        download_base_url: str | None = None,
    ) -> None:
        """`clock` returns an aware datetime; `upload_base_url` is where the HTTP server
        receives uploads (`<upload_base_url>/<key>`), `download_base_url` where it serves
        presigned downloads (None: `presign_get` is not available); `upload_secret` is at
        least 32 random bytes, kept by the server only."""
        if len(upload_secret) < _MIN_SECRET_BYTES:
            raise ValueError(f"upload_secret must be at least {_MIN_SECRET_BYTES} bytes")
        self._root = Path(root)
        self._objects = self._root / "objects"
        self._locks = self._root / "locks"
        self._root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._objects.mkdir(mode=0o700, exist_ok=True)
        self._locks.mkdir(mode=0o700, exist_ok=True)
        self._secret = bytes(upload_secret)
        self._upload_base_url = upload_base_url.rstrip("/")
        self._download_base_url = download_base_url.rstrip("/") if download_base_url else None
        self._clock = clock
        # key → (the file's identity, its SHA-256), as S3 keeps an upload's checksum: a staged
        # segment is hashed once, when written, not again by every (replayed) finalize.
        self._digests: OrderedDict[str, tuple[tuple[int, ...], bytes]] = OrderedDict()
        self._digests_lock = threading.Lock()

    # -- writes -------------------------------------------------------------------------

    def put_new(self, key: str, data: bytes) -> ObjectInfo:
        """Create `key` with `data`; `ObjectExistsError` if it exists."""
        path = self._path(key)
        self._refuse_existing(path, key)
        with self._staged(path, lambda sink: sink.write(data)) as staged:
            return self._link_new(staged, path, key)

    def put_new_stream(self, key: str, src: BinaryIO, size: int) -> ObjectInfo:
        """Create `key` from exactly `size` bytes of `src` (never reads more); `ValueError`
        if `src` ends sooner, `ObjectExistsError` if the key exists."""
        path = self._path(key)
        _check_size(size)
        self._refuse_existing(path, key)

        def fill(sink: _HashingSink) -> None:
            _copy_exactly(src, sink, size, _short_source)

        with self._staged(path, fill) as staged:
            return self._link_new(staged, path, key)

    def replace(self, key: str, data: bytes, if_match: str | None) -> ObjectInfo:
        """Write `key` if its current etag is `if_match` (if it is absent when None), else
        `PreconditionFailedError`. Safe against other threads and processes."""
        path = self._path(key)
        if if_match is not None and not self._exists(path):  # spare the write; decided below
            raise PreconditionFailedError(f"no object at {key!r} to replace")
        with self._staged(path, lambda sink: sink.write(data)) as staged:
            if if_match is None:
                try:
                    return self._link_new(staged, path, key)
                except ObjectExistsError:
                    raise PreconditionFailedError(
                        f"an object already exists at {key!r} (expected none)"
                    ) from None
            with self._lock(key):
                current = self._current_etag(path)
                if current is None:
                    raise PreconditionFailedError(f"no object at {key!r} to replace")
                if current != if_match:
                    raise PreconditionFailedError(f"the object at {key!r} has changed")
                self._replace_with(staged, path, key)
            return ObjectInfo(key=key, size=staged.size, etag=staged.sha256.hex())

    def copy_new(self, source: str, dest: str) -> ObjectInfo:
        """Copy `source` to a new key `dest`; `ObjectExistsError` if `dest` exists."""
        dest_path = self._path(dest)
        validate_key(source)
        self._refuse_existing(dest_path, dest)
        with self._open_object(source) as src:

            def fill(sink: _HashingSink) -> None:
                while chunk := src.read(_CHUNK):
                    sink.write(chunk)

            with self._staged(dest_path, fill) as staged:
                return self._link_new(staged, dest_path, dest)

    # -- reads --------------------------------------------------------------------------

    def get(self, key: str) -> bytes:
        with self._open_object(key) as f:
            return f.read()

    def get_with_info(self, key: str) -> tuple[bytes, ObjectInfo]:
        with self._open_object(key) as f:
            data = f.read()
        return data, ObjectInfo(key=key, size=len(data), etag=hashlib.sha256(data).hexdigest())

    def open(self, key: str) -> BinaryIO:
        """A real file object open on the object's content (the caller closes it)."""
        return self._open_object(key)

    def read_range(self, key: str, start: int, length: int) -> bytes:
        """Up to `length` bytes from offset `start`; empty past the end."""
        validate_key(key)
        if start < 0 or length < 0:
            raise ValueError("start and length must not be negative")
        with self._open_object(key) as f:
            f.seek(start)
            return f.read(length)

    def head(self, key: str) -> ObjectInfo:
        with self._open_object(key) as f:
            size = os.fstat(f.fileno()).st_size
            etag = self._digest_of(key, f).hex()
        return ObjectInfo(key=key, size=size, etag=etag)

    def sha256(self, key: str) -> bytes:
        with self._open_object(key) as f:
            return self._digest_of(key, f)

    def _digest_of(self, key: str, f: BinaryIO) -> bytes:
        """The SHA-256 of `key`'s open file: the one recorded when this very file was written
        or last hashed (the same inode, size, mtime and ctime, which any change to the file
        moves), else hashed now. A staged segment is hashed when uploaded, not again by each
        (replayed) finalize: S3 likewise keeps an upload's checksum."""
        identity = _identity(os.fstat(f.fileno()))
        with self._digests_lock:
            known = self._digests.get(key)
        if known is not None and known[0] == identity:
            return known[1]
        digest = _hash_stream(f)
        self._remember_digest(key, identity, digest)
        return digest

    def _remember_digest(self, key: str, identity: tuple[int, ...], digest: bytes) -> None:
        with self._digests_lock:
            self._digests[key] = (identity, digest)
            self._digests.move_to_end(key)
            while len(self._digests) > _DIGESTS_KEPT:
                self._digests.popitem(last=False)

    # -- presigned uploads --------------------------------------------------------------

    def presign_put(
        self, key: str, size: int, sha256: bytes, expires_in: timedelta
    ) -> UploadTicket:
        """A signed URL on the local HTTP server for one create-only PUT (see
        `accept_upload`). The browser sends the ticket's headers; it sets Content-Length
        itself."""
        validate_key(key)
        _check_size(size)
        if len(sha256) != hashlib.sha256().digest_size:
            raise ValueError("sha256 must be a 32-byte digest")
        if not timedelta(0) < expires_in <= _MAX_PRESIGN_EXPIRY:
            raise ValueError("expires_in must be positive and at most 7 days")
        expires = math.floor(self._now().timestamp()) + math.ceil(expires_in.total_seconds())
        digest = _b64url(sha256)
        sig = _b64url(self._sign(key, str(size), digest, str(expires)))
        url = (
            f"{self._upload_base_url}/{key}?expires={expires}&size={size}&sha256={digest}&sig={sig}"
        )
        return UploadTicket(
            url=url,
            method="PUT",
            headers={_CHECKSUM_HEADER: base64.b64encode(sha256).decode("ascii")},
        )

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
        path = self._path(key)
        size, sha256 = self._verify_terms(key, query)
        if content_length is None:
            raise UploadRejectedError("the upload has no Content-Length; it is required")
        if content_length != size:
            raise UploadRejectedError(
                f"Content-Length is {content_length} but the upload URL is for {size} bytes"
            )
        lowered = {name.lower(): value for name, value in headers.items()}
        claimed = lowered.get(_CHECKSUM_HEADER)
        if claimed is not None and claimed != base64.b64encode(sha256).decode("ascii"):
            raise UploadRejectedError(
                f"the {_CHECKSUM_HEADER} header does not match the SHA-256 the URL was signed for"
            )
        self._refuse_existing(path, key)  # spares reading the body

        def short_body(received: int) -> Exception:
            return UploadRejectedError(
                f"the upload body ended after {received} of the {size} signed bytes"
            )

        def fill(sink: _HashingSink) -> None:
            _copy_exactly(body, sink, size, short_body)

        with self._staged(path, fill) as staged:
            if not hmac.compare_digest(staged.sha256, sha256):
                raise UploadRejectedError(
                    "the upload body's SHA-256 is not the one the URL was signed for"
                )
            return self._link_new(staged, path, key)

    # -- presigned downloads ------------------------------------------------------------

    def presign_get(self, key: str, expires_in: timedelta) -> str:
        """A signed URL on the local HTTP server for GETs of `key` until it expires (see
        `open_download`). Does not check that the object exists."""
        validate_key(key)
        if self._download_base_url is None:
            raise StoreError("this local store was not given a download URL base")
        if not timedelta(0) < expires_in <= _MAX_PRESIGN_EXPIRY:
            raise ValueError("expires_in must be positive and at most 7 days")
        expires = math.floor(self._now().timestamp()) + math.ceil(expires_in.total_seconds())
        sig = _b64url(self._sign_download(key, str(expires)))
        return f"{self._download_base_url}/{key}?expires={expires}&sig={sig}"

    def open_download(self, key: str, query: Mapping[str, str]) -> BinaryIO:
        """Open `key` for a GET to a URL from `presign_get` (the caller closes it):
        `DownloadRejectedError` for a malformed, altered or expired URL,
        `ObjectNotFoundError` if the object is absent."""
        validate_key(key)
        expires, sig = query.get("expires"), query.get("sig")
        if expires is None or sig is None or set(query) != {"expires", "sig"}:
            raise DownloadRejectedError("the download URL's parameters are malformed")
        if not (_DECIMAL.fullmatch(expires) and _is_b64url_digest(sig)):
            raise DownloadRejectedError("the download URL's parameters are malformed")
        if not hmac.compare_digest(self._sign_download(key, expires), _b64url_decode(sig)):
            raise DownloadRejectedError(
                "the download URL's signature does not match: it was altered, is for another "
                "key, or was not issued by this server"
            )
        if _timestamp_ns(self._now()) >= int(expires) * 1_000_000_000:
            raise DownloadRejectedError("the download URL has expired")
        return self._open_object(key)

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
        cutoff_ns = _timestamp_ns(self._now() - older_than)
        deleted = 0
        for entry_key, path in self._walk(prefix, temps=True):
            if not _older(path, cutoff_ns):
                continue
            if entry_key is None:  # a temp file: only a crashed writer leaves one this old
                _unlink_quietly(path)
                continue
            with self._lock(entry_key) as lock_path:
                if not _older(path, cutoff_ns):  # replaced meanwhile: check again, locked
                    continue
                os.unlink(path)
                _fsync_dir(path.parent)
                deleted += 1
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(lock_path)  # safe while held: `_lock` re-checks the inode
            self._remove_empty_parents(path.parent)
        return deleted

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
        walked = self._walk(prefix, temps=False, after=start_after or "")
        return (key for key, _ in walked if key is not None)

    # -- internals ----------------------------------------------------------------------

    def _list(self, prefix: str) -> Iterator[ObjectInfo]:
        for key, path in self._walk(prefix, temps=False):
            if key is None:
                continue
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            except FileNotFoundError:
                continue  # expired between the directory read and now
            with os.fdopen(fd, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                etag = self._digest_of(key, f).hex()
            yield ObjectInfo(key=key, size=size, etag=etag)

    def _walk(
        self, prefix: str, *, temps: bool, after: str = ""
    ) -> Iterator[tuple[str | None, Path]]:
        """(key, path) of each regular file under `prefix` in key order, only keys greater
        than `after`; with `temps`, also (None, path) of temp files in the directories
        visited."""
        base, _, name_prefix = prefix.rpartition("/")
        start = self._objects / base if base else self._objects
        yield from self._walk_dir(start, f"{base}/" if base else "", name_prefix, temps, after)

    def _walk_dir(
        self, directory: Path, key_prefix: str, name_prefix: str, temps: bool, after: str
    ) -> Iterator[tuple[str | None, Path]]:
        try:
            with os.scandir(directory) as scan:
                # A directory sorts as its name plus "/", which is where all its keys sort.
                entries = sorted(
                    (
                        (f"{entry.name}/" if entry.is_dir(follow_symlinks=False) else entry.name),
                        entry,
                    )
                    for entry in scan
                    if entry.name.startswith(_TEMP_PREFIX)
                    or (entry.name.startswith(name_prefix) and not entry.name.startswith("."))
                )
        except (FileNotFoundError, NotADirectoryError):
            return
        for sort_name, entry in entries:
            if entry.name.startswith(_TEMP_PREFIX):
                if temps and entry.is_file(follow_symlinks=False):
                    yield None, Path(entry.path)
            elif sort_name.endswith("/"):
                below = f"{key_prefix}{entry.name}/"
                # every key below starts with `below`: all of them sort before `after` when
                # `after` is greater without starting with it
                if after > below and not after.startswith(below):
                    continue
                yield from self._walk_dir(Path(entry.path), below, "", temps, after)
            elif entry.is_file(follow_symlinks=False):
                key = key_prefix + entry.name
                if key > after and _is_valid_key(key):  # others were not put here by this store
                    yield key, Path(entry.path)

    def _path(self, key: str) -> Path:
        return self._objects / validate_key(key)

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the clock must return an aware datetime")
        return now

    def _exists(self, path: Path) -> bool:
        try:
            return stat.S_ISREG(os.lstat(path).st_mode)
        except (FileNotFoundError, NotADirectoryError):
            return False

    def _refuse_existing(self, path: Path, key: str) -> None:
        """A cheap early `ObjectExistsError`; the create-only link stays the real check."""
        if self._exists(path):
            raise ObjectExistsError(f"an object already exists at {key!r}")

    def _open_object(self, key: str) -> BinaryIO:
        path = self._path(key)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except (FileNotFoundError, NotADirectoryError):
            raise ObjectNotFoundError(f"no object at {key!r}") from None
        except OSError as e:
            if e.errno == errno.ELOOP:  # a symlink: never one of ours
                raise ObjectNotFoundError(f"no object at {key!r}") from None
            raise
        try:
            regular = stat.S_ISREG(os.fstat(fd).st_mode)
            if regular:
                return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # a directory of other keys
        raise ObjectNotFoundError(f"no object at {key!r}")

    def _current_etag(self, path: Path) -> str | None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except (FileNotFoundError, NotADirectoryError):
            return None
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            return _hash_stream(f).hex()

    @contextlib.contextmanager
    def _staged(self, path: Path, fill: Callable[[_HashingSink], None]) -> Iterator[_Staged]:
        """A temp file beside `path`, filled, flushed and fsynced; removed on exit unless
        it was renamed into place."""
        staged = self._stage(path, fill)
        try:
            yield staged
        finally:
            if not staged.renamed:
                _unlink_quietly(staged.path)

    def _stage(self, path: Path, fill: Callable[[_HashingSink], None]) -> _Staged:
        for _ in range(_DIRECTORY_ATTEMPTS):
            try:
                self._make_parents(path)
                fd, name = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=path.parent)
            except FileNotFoundError:
                continue  # `expire` removed the emptied directory in between: make it again
            break
        else:
            raise StoreError(f"could not create a temp file in {path.parent}")
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as f:
                sink = _HashingSink(f)
                fill(sink)
                f.flush()
                os.fsync(f.fileno())
        except BaseException:
            _unlink_quietly(tmp)
            raise
        return _Staged(path=tmp, size=sink.size, sha256=sink.digest())

    def _make_parents(self, path: Path) -> None:
        current = self._objects
        for part in path.relative_to(self._objects).parts[:-1]:
            child = current / part
            try:
                os.mkdir(child, 0o700)
            except FileExistsError:
                if not stat.S_ISDIR(os.lstat(child).st_mode):
                    key = child.relative_to(self._objects).as_posix()
                    raise InvalidKeyError(
                        f"there is an object at {key!r}, so no key can extend it by '/' here"
                    ) from None
            else:
                _fsync_dir(current)
            current = child

    def _link_new(self, staged: _Staged, path: Path, key: str) -> ObjectInfo:
        try:
            os.link(staged.path, path, follow_symlinks=False)
        except FileExistsError:
            if _is_dir(path):
                raise InvalidKeyError(
                    f"keys extend {key!r} by '/', so it cannot be an object here"
                ) from None
            raise ObjectExistsError(f"an object already exists at {key!r}") from None
        _unlink_quietly(staged.path)
        staged.renamed = True
        _fsync_dir(path.parent)
        with contextlib.suppress(OSError):  # after the link and unlink, which move its ctime
            self._remember_digest(key, _identity(os.lstat(path)), staged.sha256)
        return ObjectInfo(key=key, size=staged.size, etag=staged.sha256.hex())

    def _replace_with(self, staged: _Staged, path: Path, key: str) -> None:
        try:
            os.replace(staged.path, path)
        except IsADirectoryError:
            raise InvalidKeyError(
                f"keys extend {key!r} by '/', so it cannot be an object here"
            ) from None
        staged.renamed = True
        _fsync_dir(path.parent)

    @contextlib.contextmanager
    def _lock(self, key: str) -> Iterator[Path]:
        """Hold the exclusive lock of `key` against other threads and processes."""
        path = self._locks / hashlib.sha256(key.encode("ascii")).hexdigest()
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                # `expire` unlinks lock files it holds; a lock on an unlinked file is void.
                held = os.fstat(fd)
                try:
                    current = os.stat(path)
                except FileNotFoundError:
                    current = None
                if current is not None and (current.st_dev, current.st_ino) == (
                    held.st_dev,
                    held.st_ino,
                ):
                    break
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
        try:
            yield path
        finally:
            os.close(fd)  # releases the flock

    def _remove_empty_parents(self, directory: Path) -> None:
        while directory != self._objects:
            try:
                os.rmdir(directory)
            except OSError:  # not empty (or already gone): stop here
                return
            directory = directory.parent
            _fsync_dir(directory)

    def _sign(self, key: str, size: str, sha256: str, expires: str) -> bytes:
        message = "\n".join((_SIGNING_CONTEXT, "PUT", key, size, sha256, expires))
        return hmac.new(self._secret, message.encode("ascii"), hashlib.sha256).digest()

    def _sign_download(self, key: str, expires: str) -> bytes:
        message = "\n".join((_DOWNLOAD_CONTEXT, "GET", key, expires))
        return hmac.new(self._secret, message.encode("ascii"), hashlib.sha256).digest()

    def _verify_terms(self, key: str, query: Mapping[str, str]) -> tuple[int, bytes]:
        """The signed (size, sha256) of an upload URL, or `UploadRejectedError`."""
        values: dict[str, str] = {}
        for name in ("expires", "size", "sha256", "sig"):
            value = query.get(name)
            if value is None:
                raise UploadRejectedError(f"the upload URL has no {name!r} parameter")
            values[name] = value
        if not (
            _DECIMAL.fullmatch(values["expires"])
            and _DECIMAL.fullmatch(values["size"])
            and _is_b64url_digest(values["sha256"])
            and _is_b64url_digest(values["sig"])
        ):
            raise UploadRejectedError("the upload URL's parameters are malformed")
        expected = self._sign(key, values["size"], values["sha256"], values["expires"])
        if not hmac.compare_digest(expected, _b64url_decode(values["sig"])):
            raise UploadRejectedError(
                "the upload URL's signature does not match: it was altered, is for another "
                "key, or was not issued by this server"
            )
        expires = int(values["expires"])
        if _timestamp_ns(self._now()) >= expires * 1_000_000_000:
            when = datetime.fromtimestamp(expires, UTC).isoformat()
            raise UploadRejectedError(f"the upload URL expired at {when}")
        return int(values["size"]), _b64url_decode(values["sha256"])


@dataclass
class _Staged:
    path: Path
    size: int
    sha256: bytes
    renamed: bool = False


class _HashingSink:
    """Writes to a file while hashing and counting."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self._out.write(data)
        self._hash.update(data)
        self.size += len(data)

    def digest(self) -> bytes:
        return self._hash.digest()


def _copy_exactly(
    src: ByteSource, sink: _HashingSink, size: int, short: Callable[[int], Exception]
) -> None:
    remaining = size
    while remaining:
        chunk = src.read(min(_CHUNK, remaining))
        if not chunk:
            raise short(size - remaining)
        sink.write(chunk)
        remaining -= len(chunk)


def _short_source(received: int) -> Exception:
    return ValueError(f"the source ended after {received} bytes, before the size given")


def _check_size(size: int) -> None:
    if size < 0:
        raise ValueError("size must not be negative")


def _identity(st: os.stat_result) -> tuple[int, ...]:
    """What changes whenever a file's content can have changed (ctime cannot be set back)."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _hash_stream(f: BinaryIO) -> bytes:
    h = hashlib.sha256()
    while chunk := f.read(_CHUNK):
        h.update(chunk)
    return h.digest()


def _is_valid_key(key: str) -> bool:
    try:
        validate_key(key)
    except InvalidKeyError:
        return False
    return True


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _is_b64url_digest(text: str) -> bool:
    """43 base64url characters, canonically encoding 32 bytes."""
    return bool(_B64URL_32_BYTES.fullmatch(text)) and _b64url(_b64url_decode(text)) == text


def _timestamp_ns(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1) * 1000


def _older(path: Path, cutoff_ns: int) -> bool:
    """Is `path` a regular file last modified before `cutoff_ns`?"""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_mtime_ns < cutoff_ns


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
