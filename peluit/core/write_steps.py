"""A request's create-only writes made ready during an earlier step, and made to appear later.

A finalization writes in steps that must follow each other (core/submission.py): the claims,
then the case's objects, then `state.json`. On a store that keeps files (`PreparesWrites`: the
local store), most of a write's cost is creating, filling and fsyncing its file, which nothing
orders: `StepWrites` has those done alongside the claims, so that the later steps only link
each ready file into place (ADR 0060). Nothing of a prepared write can be read, listed or
named before its `put`; a request that fails before then drops what it prepared (a crash
leaves temp files, as any interrupted write does). On a store without it (S3, whose PUT is one
round trip), `put` is `put_new` and there is nothing to prepare.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from types import TracebackType

from peluit.store.port import ObjectInfo, ObjectStore, PreparedWrite, PreparesWrites


class StepWrites:
    """The create-only writes `objects` (key, bytes) and copies `copies` (source key, key, ...) of
    one request, each named by its key (a context manager: on exit, whatever was prepared and
    not put is dropped)."""

    def __init__(
        self,
        store: ObjectStore,
        objects: Sequence[tuple[str, bytes]],
        copies: Sequence[tuple[str, str, bytes]] = (),
    ) -> None:
        """`copies`: (source key, key, the SHA-256 the source was checked to have)."""
        self._store = store
        self._objects = dict(objects)
        self._copies = {dest: (source, sha256) for source, dest, sha256 in copies}
        self._prepared: dict[str, PreparedWrite] = {}

    def preparations(self) -> list[Callable[[], None]]:
        """One call per write that makes it ready, to run alongside an earlier step (none on a
        store that cannot prepare). Each may run on another thread; what a copy finds wrong
        with its source is raised by its `put`, not here."""
        if not isinstance(self._store, PreparesWrites):
            return []
        return [
            functools.partial(self._prepare, self._store, key)
            for key in [*self._copies, *self._objects]
        ]

    def put(self, key: str) -> ObjectInfo:
        """Make `key`'s object appear, whole and in one step, create-only
        (`ObjectExistsError`): its prepared write if there is one, else `put_new` (or
        `copy_new`)."""
        prepared = self._prepared.pop(key, None)
        if prepared is None:
            if key in self._copies:
                return self._store.copy_new(self._copies[key][0], key)
            return self._store.put_new(key, self._objects[key])
        try:
            return prepared.commit()
        finally:
            prepared.discard()  # nothing left behind by a commit that failed (no-op after one)

    def discard(self) -> None:
        """Drop every prepared write not yet put."""
        while self._prepared:
            _, prepared = self._prepared.popitem()
            prepared.discard()

    def __enter__(self) -> StepWrites:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.discard()

    def _prepare(self, store: PreparesWrites, key: str) -> None:
        if key in self._copies:
            source, sha256 = self._copies[key]
            self._prepared[key] = store.prepare_copy(source, key, sha256)
        else:
            self._prepared[key] = store.prepare_new(key, self._objects[key])
