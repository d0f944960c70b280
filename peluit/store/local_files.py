"""The files under a local store: crash-safe writes, per-key locks, and walking in key order.

Layout under the store's root:

    objects/<key>       one regular file per object, written once and never modified in place
    objects/**/.tmp-*   a write in progress (no valid key segment starts with "."; never listed)
    locks/<sha256(key)> per-key lock files for conditional replace and expiry (`fcntl.flock`)

Every write goes to a temp file beside its destination, is flushed and fsynced, and then
appears in one step: `os.link` for create-only writes (fails if the key exists),
`os.replace` for replacements; the directory is fsynced afterwards. A reader therefore sees
a whole old object or a whole new one, and a crash leaves at worst a stale temp file, which
`LocalStore.expire` (under its prefix) or `LocalStore.sweep_temps` (anywhere; `peluit serve`
runs it hourly) removes. A copy is a second link to the
source's file where the filesystem allows (`link_existing`): two keys may share an inode, which
is safe only because no object is ever modified in place (ADR 0060).

Because objects are files, a key cannot also be a "directory" of other keys here: with an
object at `a`, a write to `a/b` raises `InvalidKeyError` (and the other way round), where
S3 would accept both.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import secrets
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from .errors import InvalidKeyError, ObjectExistsError, ObjectNotFoundError, StoreError
from .keys import validate_key
from .local_io import CHUNK, fsync_dir, hash_stream, is_regular, unlink_quietly

TEMP_PREFIX = ".tmp-"
_DIRECTORY_ATTEMPTS = 5
# `link` errors that mean this filesystem (or this pair of paths) cannot hard-link: copy instead
_CANNOT_LINK = frozenset({errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES})


class ByteSource(Protocol):
    """What a write reads a body from: a `BinaryIO`, or `http.server`'s `rfile`."""

    def read(self, size: int, /) -> bytes: ...


@dataclass
class Staged:
    """A filled, fsynced temp file beside its destination."""

    path: Path
    size: int
    sha256: bytes
    renamed: bool = False


class HashingSink:
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


class FileTree:
    """The `objects/` and `locks/` directories of one local store (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.objects = root / "objects"
        self._locks = root / "locks"
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.objects.mkdir(mode=0o700, exist_ok=True)
        self._locks.mkdir(mode=0o700, exist_ok=True)

    def path(self, key: str) -> Path:
        """Where `key`'s file is; `InvalidKeyError` for a key outside the grammar."""
        return self.objects / validate_key(key)

    def refuse_existing(self, path: Path, key: str) -> None:
        """A cheap early `ObjectExistsError`; the create-only link stays the real check."""
        if is_regular(path):
            raise ObjectExistsError(f"an object already exists at {key!r}")

    def open_object(self, key: str) -> BinaryIO:
        """`key`'s file open for reading (never through a symlink); `ObjectNotFoundError`."""
        path = self.path(key)
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

    def current_etag(self, path: Path) -> str | None:
        """The hex SHA-256 of the file at `path` now, hashed afresh; None if there is none."""
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except (FileNotFoundError, NotADirectoryError):
            return None
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            return hash_stream(f).hex()

    @contextlib.contextmanager
    def staged(self, path: Path, fill: Callable[[HashingSink], None]) -> Iterator[Staged]:
        """A temp file beside `path`, filled, flushed and fsynced; removed on exit unless
        it was renamed into place."""
        staged = self._stage(path, fill)
        try:
            yield staged
        finally:
            if not staged.renamed:
                unlink_quietly(staged.path)

    def stage(self, path: Path, fill: Callable[[HashingSink], None]) -> Staged:
        """A temp file beside `path`, filled, flushed and fsynced, for a later `link_new`; the
        caller removes it (`unlink_quietly(staged.path)`) unless it was renamed into place."""
        return self._stage(path, fill)

    def link_new(self, staged: Staged, path: Path, key: str) -> None:
        """Make `staged` the object at `path` if there is none (`ObjectExistsError`)."""
        try:
            os.link(staged.path, path, follow_symlinks=False)
        except FileExistsError:
            raise _taken(path, key) from None
        unlink_quietly(staged.path)
        staged.renamed = True
        fsync_dir(path.parent)

    def link_existing(self, opened: BinaryIO, source: Path, path: Path, key: str) -> bool:
        """Make the object at `path` a hard link of the file `opened` (open on `source`), if
        there is none (`ObjectExistsError`): the same inode, no bytes written, create-only and
        in one step as `link_new`. False, with nothing at `path`, if this filesystem cannot
        link, or if `source` no longer names the opened file (it expired, or was replaced, in
        between): the caller then copies the bytes of `opened` instead. The link is made under
        a temp name first and checked to be the opened file there, so no other file ever
        appears at `path`, even for a moment. Objects are never modified in place, so two
        keys sharing an inode stay what they were when written."""
        temp = path.parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
        for attempt in range(2):
            try:
                os.link(source, temp, follow_symlinks=False)
            except FileNotFoundError:  # the destination's directory, or the source, is missing
                if attempt or not is_regular(source):
                    return False
                self.make_parents(path)
                continue
            except NotADirectoryError:
                self.make_parents(path)  # `InvalidKeyError` for an object above `path`
                return False
            except OSError as e:
                if e.errno in _CANNOT_LINK:
                    return False
                raise
            break
        try:
            linked, held = os.lstat(temp), os.fstat(opened.fileno())
            if (linked.st_dev, linked.st_ino) != (held.st_dev, held.st_ino):
                return False  # `source` was replaced between the open and the link
            try:
                os.link(temp, path, follow_symlinks=False)
            except FileExistsError:
                raise _taken(path, key) from None
        finally:
            unlink_quietly(temp)
        fsync_dir(path.parent)
        return True

    def replace_with(self, staged: Staged, path: Path, key: str) -> None:
        """Make `staged` the object at `path`, whatever was there (hold `lock(key)`)."""
        try:
            os.replace(staged.path, path)
        except IsADirectoryError:
            raise InvalidKeyError(
                f"keys extend {key!r} by '/', so it cannot be an object here"
            ) from None
        staged.renamed = True
        fsync_dir(path.parent)

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[Path]:
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

    def remove_empty_parents(self, directory: Path) -> None:
        """Remove `directory` and its parents up to `objects/` while they are empty."""
        while directory != self.objects:
            try:
                os.rmdir(directory)
            except OSError:  # not empty (or already gone): stop here
                return
            directory = directory.parent
            fsync_dir(directory)

    def walk(
        self, prefix: str, *, temps: bool, after: str = ""
    ) -> Iterator[tuple[str | None, Path]]:
        """(key, path) of each regular file under `prefix` in key order, only keys greater
        than `after`; with `temps`, also (None, path) of temp files in the directories
        visited."""
        base, _, name_prefix = prefix.rpartition("/")
        start = self.objects / base if base else self.objects
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
                    if entry.name.startswith(TEMP_PREFIX)
                    or (entry.name.startswith(name_prefix) and not entry.name.startswith("."))
                )
        except (FileNotFoundError, NotADirectoryError):
            return
        for sort_name, entry in entries:
            if entry.name.startswith(TEMP_PREFIX):
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

    def _stage(self, path: Path, fill: Callable[[HashingSink], None]) -> Staged:
        for _ in range(_DIRECTORY_ATTEMPTS):
            # Optimistic: the directory is usually there already (a case's second object, a
            # day's index), and every system call that creates or checks one costs.
            try:
                fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
            except (FileNotFoundError, NotADirectoryError):
                # missing (or `expire` removed it emptied in between): make what is missing
                self.make_parents(path)
                continue
            break
        else:
            raise StoreError(f"could not create a temp file in {path.parent}")
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as f:
                sink = HashingSink(f)
                fill(sink)
                f.flush()
                os.fsync(f.fileno())
        except BaseException:
            unlink_quietly(tmp)
            raise
        return Staged(path=tmp, size=sink.size, sha256=sink.digest())

    def make_parents(self, path: Path) -> None:
        """Create the missing directories above `path`, deepest first: a `mkdir` of each
        ancestor until one succeeds or exists, then the ones below it. `InvalidKeyError` if
        an ancestor is an object. Each new directory's parent is fsynced."""
        missing: list[Path] = []
        directory = path.parent
        while directory != self.objects:
            try:
                os.mkdir(directory, 0o700)
            except (FileNotFoundError, NotADirectoryError):  # its parent is missing (or a file)
                missing.append(directory)
                directory = directory.parent
                continue
            except FileExistsError:
                self._require_directory(directory)
            else:
                fsync_dir(directory.parent)
            break
        for child in reversed(missing):
            try:
                os.mkdir(child, 0o700)
            except FileExistsError:  # made by a concurrent writer
                self._require_directory(child)
            else:
                fsync_dir(child.parent)

    def _require_directory(self, directory: Path) -> None:
        if not stat.S_ISDIR(os.lstat(directory).st_mode):
            key = directory.relative_to(self.objects).as_posix()
            raise InvalidKeyError(
                f"there is an object at {key!r}, so no key can extend it by '/' here"
            )


def copy_exactly(
    src: ByteSource, sink: HashingSink, size: int, short: Callable[[int], Exception]
) -> None:
    """Copy exactly `size` bytes of `src` into `sink`, never reading more; `short(received)`
    is raised if `src` ends sooner."""
    remaining = size
    while remaining:
        chunk = src.read(min(CHUNK, remaining))
        if not chunk:
            raise short(size - remaining)
        sink.write(chunk)
        remaining -= len(chunk)


def _taken(path: Path, key: str) -> StoreError:
    """Why nothing can be linked at `path`: a directory of other keys, or an object."""
    if _is_dir(path):
        return InvalidKeyError(f"keys extend {key!r} by '/', so it cannot be an object here")
    return ObjectExistsError(f"an object already exists at {key!r}")


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def _is_valid_key(key: str) -> bool:
    try:
        validate_key(key)
    except InvalidKeyError:
        return False
    return True
