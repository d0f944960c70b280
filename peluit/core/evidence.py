"""Evidence the reporter adds to a case after the report.

The files are uploaded exactly like a report's (encrypted segments to presigned URLs under
`staging/{upload}/…`, numbered from 0 within the upload), then one finalization moves them
to the case's next free file numbers and stores the reporter's encrypted manifest message
(what each file is) in the thread. Which numbers a batch got is recorded in a create-only
claim, plaintext metadata only:

    cases/{case}/additions/{first:02d}.json
    {"version": 1, "first": 3, "count": 2, "upload": "<32 hex>", "digest": "<64 hex>",
     "message": "thread/00007-pelapor.age"}

Files `first`…`first + count - 1` are, in order, the files the message's manifest lists.
Numbers are claimed by creating the claim object at `first`, computed as the end of every
claim already there: two batches racing for the same numbers race for the same key, and
the loser computes again. A retried finalization finds its claim by upload id and digest.

A message describes one batch only: a claim naming a message that another upload's claim
already names is refused (`ManifestInUseError`), so nobody can hang files under a manifest
the reporter sent before (messages are stored once per ciphertext, so sending the same
ciphertext again names the same message). Claims are contiguous, so of two racing batches
the later one either sees the earlier claim or collides with it, and is refused either way.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from peluit.store.errors import ObjectExistsError, ObjectNotFoundError
from peluit.store.port import ObjectStore

from . import layout
from .canonical import canonical
from .errors import (
    AdditionsBusyError,
    ManifestInUseError,
    SubmissionConflictError,
    ThreadFullError,
)
from .submission import Segment

MAX_FILES = 100  # `files/{NN}/`: two digits
CLAIM_ATTEMPTS = 32
_CLAIM_KEY = re.compile(r"additions/([0-9]{2})\.json")


@dataclass(frozen=True)
class Addition:
    first: int
    count: int
    upload: str
    digest: str
    message: str  # relative to the case: "thread/00007-pelapor.age"

    @property
    def files(self) -> list[int]:
        return list(range(self.first, self.first + self.count))

    def to_bytes(self) -> bytes:
        return canonical(
            {
                "version": 1,
                "first": self.first,
                "count": self.count,
                "upload": self.upload,
                "digest": self.digest,
                "message": self.message,
            }
        )

    @classmethod
    def parse(cls, data: bytes) -> Addition:
        raw = json.loads(data)
        return cls(
            int(raw["first"]),
            int(raw["count"]),
            str(raw["upload"]),
            str(raw["digest"]),
            str(raw["message"]),
        )


def digest(upload: str, manifest: bytes, segments: Sequence[Segment]) -> str:
    """What a retry of the same finalization must repeat exactly."""
    summary = {
        "upload": upload,
        "manifest": hashlib.sha256(manifest).hexdigest(),
        "segments": sorted([s.file, s.index, s.size, s.sha256.hex()] for s in segments),
    }
    return hashlib.sha256(canonical(summary)).hexdigest()


def additions(store: ObjectStore, case: str) -> list[Addition]:
    """Every claim of the case, by first file number."""
    prefix = layout.case_prefix(case)
    found = []
    for info in store.list(layout.case_additions_prefix(case)):
        if _CLAIM_KEY.fullmatch(info.key.removeprefix(prefix)):
            with contextlib.suppress(ObjectNotFoundError, ValueError, KeyError, TypeError):
                found.append(Addition.parse(store.get(info.key)))
    return sorted(found, key=lambda a: a.first)


def own_claim(claims: Sequence[Addition], upload: str, request_digest: str) -> Addition | None:
    """This upload's claim, if it was made; a different request under the same upload id
    conflicts."""
    for claim in claims:
        if claim.upload == upload:
            if claim.digest != request_digest:
                raise SubmissionConflictError("this upload was already added with other content")
            return claim
    return None


def check_manifest_free(claims: Sequence[Addition], upload: str, message: str) -> None:
    """The manifest message describes no other upload's files."""
    if any(c.message == message and c.upload != upload for c in claims):
        raise ManifestInUseError("this message already describes other evidence")


def next_free(original_files: int, claims: Sequence[Addition]) -> int:
    return max([original_files, *(c.first + c.count for c in claims)])


def check_room(original_files: int, claims: Sequence[Addition], count: int) -> None:
    if next_free(original_files, claims) + count > MAX_FILES:
        raise ThreadFullError(f"a case holds at most {MAX_FILES} files")


def claim(
    store: ObjectStore,
    case: str,
    original_files: int,
    wanted: Addition,
    known: Sequence[Addition],
) -> Addition:
    """Claim `wanted.count` file numbers for `wanted.upload`; returns the claim (its own, if a
    concurrent retry of the same request made it first)."""
    claims = list(known)
    for _ in range(CLAIM_ATTEMPTS):
        check_manifest_free(claims, wanted.upload, wanted.message)
        check_room(original_files, claims, wanted.count)
        attempt = Addition(
            next_free(original_files, claims),
            wanted.count,
            wanted.upload,
            wanted.digest,
            wanted.message,
        )
        try:
            store.put_new(layout.case_addition(case, attempt.first), attempt.to_bytes())
        except ObjectExistsError:
            claims = additions(store, case)
            mine = own_claim(claims, wanted.upload, wanted.digest)
            if mine is not None:
                return mine
            continue
        return attempt
    raise AdditionsBusyError("too many additions at the same moment; try again")


def uncopied(
    store: ObjectStore, case: str, addition: Addition, segments: Sequence[Segment]
) -> list[Segment]:
    """The segments not yet copied to their place in the case (a retry copies only these)."""
    pending = []
    for segment in segments:
        dest = layout.case_segment(case, addition.first + segment.file, segment.index)
        try:
            store.head(dest)
        except ObjectNotFoundError:
            pending.append(segment)
    return pending
