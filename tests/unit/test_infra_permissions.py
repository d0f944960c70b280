"""The public function's IAM role allows exactly what its code does.

The submission service runs against a store that records every object access as the S3 action
it becomes on AWS (a HEAD or a range read is s3:GetObject, a presigned upload s3:PutObject by
the role that signed it, a copy both). Every recorded access must be allowed by
`PublicFunctionRole` in `infra/peluit.yaml`, and every key pattern the role allows must be used:
a new key in the core fails here instead of in production, and a stale grant is noticed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, BinaryIO

import pytest

from peluit.core import layout
from peluit.core.followup import FollowupService
from peluit.core.receipt import ReceiptCode
from peluit.core.submission import SubmissionService
from peluit.stats import published
from peluit.store.port import ObjectInfo, UploadTicket
from tests.support.factory import Team, finalization, make_team, submission_id
from tests.support.fakes import FixedClock, MemoryStore
from tests.support.template import iam_match, load_template, object_patterns, resource

pytestmark = pytest.mark.unit

Access = tuple[str, str]  # (IAM action, object key)


class RecordingStore:
    """Passes everything to a `MemoryStore` and notes which S3 action each call needs."""

    def __init__(self, inner: MemoryStore) -> None:
        self.inner = inner
        self.accesses: set[Access] = set()
        self.listed: list[str] = []

    def _note(self, action: str, *keys: str) -> None:
        self.accesses.update((action, key) for key in keys)

    def put_new(self, key: str, data: bytes) -> ObjectInfo:
        self._note("s3:PutObject", key)
        return self.inner.put_new(key, data)

    def put_new_stream(self, key: str, src: BinaryIO, size: int) -> ObjectInfo:
        self._note("s3:PutObject", key)
        return self.inner.put_new_stream(key, src, size)

    def replace(self, key: str, data: bytes, if_match: str | None) -> ObjectInfo:
        self._note("s3:PutObject", key)
        return self.inner.replace(key, data, if_match)

    def copy_new(self, source: str, dest: str) -> ObjectInfo:
        self._note("s3:GetObject", source, dest)  # the copy reads; `copy_new` HEADs the result
        self._note("s3:PutObject", dest)
        return self.inner.copy_new(source, dest)

    def get(self, key: str) -> bytes:
        self._note("s3:GetObject", key)
        return self.inner.get(key)

    def get_with_info(self, key: str) -> tuple[bytes, ObjectInfo]:
        self._note("s3:GetObject", key)
        return self.inner.get_with_info(key)

    def open(self, key: str) -> BinaryIO:
        self._note("s3:GetObject", key)
        return self.inner.open(key)

    def read_range(self, key: str, start: int, length: int) -> bytes:
        self._note("s3:GetObject", key)
        return self.inner.read_range(key, start, length)

    def head(self, key: str) -> ObjectInfo:
        self._note("s3:GetObject", key)
        return self.inner.head(key)

    def sha256(self, key: str) -> bytes:
        self._note("s3:GetObject", key)
        return self.inner.sha256(key)

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        self.listed.append(prefix)
        return self.inner.list(prefix)

    def list_keys(self, prefix: str, start_after: str | None = None) -> Iterator[str]:
        self.listed.append(prefix)
        return self.inner.list_keys(prefix, start_after)

    def presign_put(
        self, key: str, size: int, sha256: bytes, expires_in: timedelta
    ) -> UploadTicket:
        self._note("s3:PutObject", key)  # the browser's PUT is signed by the function's role
        return self.inner.presign_put(key, size, sha256, expires_in)

    def presign_get(self, key: str, expires_in: timedelta) -> str:
        self._note("s3:GetObject", key)
        return self.inner.presign_get(key, expires_in)


@pytest.fixture(scope="module")
def team() -> Team:
    return make_team()


@pytest.fixture(scope="module")
def recorded(team: Team) -> RecordingStore:
    """A report with an identity block and two attachments: planned, uploaded, finalized, and
    finalized again (the retry path reads what the first run wrote)."""
    clock = FixedClock()
    memory = MemoryStore(clock)
    store = RecordingStore(memory)
    service = SubmissionService(team.config, store, clock)
    parts = team.attachment("pengaduan", 0, os.urandom(70_000))
    parts += team.attachment("pengaduan", 1, b"kontrak")
    submission = submission_id()
    tickets = service.plan_uploads(submission, "pengaduan", [p.segment for p in parts])
    for part, ticket in zip(parts, tickets, strict=True):
        memory.upload(ticket.url, part.data)
    request = finalization(
        "pengaduan",
        team.report("pengaduan"),
        identity=team.identity_block("pengaduan"),
        segments=parts,
    )
    first = service.finalize(submission, request)
    assert service.finalize(submission, request) == first

    # The reporter comes back with the receipt code: reads, writes, adds a file.
    code = ReceiptCode.generate()
    request = finalization(
        "pengaduan",
        team.report("pengaduan"),
        lookup_hash=code.lookup_hash(),
        reply=code.reply_identity().recipient().encode(),
    )
    service.finalize(submission_id(), request)
    followup = FollowupService(team.config, store, clock, floor=0)
    token = code.lookup_token()
    followup.post_message(token, team.report("pengaduan"))
    followup.status(token)
    upload = submission_id()
    extra = team.attachment("pengaduan", 0, b"foto tambahan")
    for part, ticket in zip(
        extra,
        service.plan_uploads(upload, "pengaduan", [p.segment for p in extra]),
        strict=True,
    ):
        memory.upload(ticket.url, part.data)
    manifest = team.report("pengaduan")
    added = followup.add_evidence(token, upload, manifest, [p.segment for p in extra])
    # the phone lost the answer and sends it again: the same files, nothing twice
    assert followup.add_evidence(token, upload, manifest, [p.segment for p in extra]) == added
    # a file the team attached to a reply (written by the reviewer side), read out in a chunk
    case = case_id_of(memory, code)
    reply_upload = submission_id()
    memory.put_new(layout.case_reply_segment(case, reply_upload, 0, 0), b"age ciphertext")
    assert followup.reply_file(token, reply_upload, 0, 0, 0).data == b"age ciphertext"
    # the site's statistics page: the public API reads what a reviewer published (ADR 0041)
    memory.put_new(published.KEY, b"{}")  # not a document: refused after the read
    with pytest.raises(published.StatsNotPublishedError):
        published.PublishedStats(team.config, store, clock).current()
    return store


def case_id_of(store: MemoryStore, code: ReceiptCode) -> str:
    entry = json.loads(store.get(layout.lookup(code.lookup_hash())))
    case: str = entry["case"]
    return case


@pytest.fixture(scope="module")
def role() -> dict[str, Any]:
    return resource(load_template(), "PublicFunctionRole")


def test_every_access_of_a_submission_is_allowed_to_the_public_role(
    recorded: RecordingStore, role: dict[str, Any]
) -> None:
    refused = sorted(
        (action, key)
        for action, key in recorded.accesses
        if not any(iam_match(p, key) for p in object_patterns(role, action))
    )
    assert refused == []


def test_every_key_pattern_granted_to_the_public_role_is_used(
    recorded: RecordingStore, role: dict[str, Any]
) -> None:
    for action in ("s3:PutObject", "s3:GetObject"):
        keys = [key for act, key in recorded.accesses if act == action]
        unused = [
            p for p in object_patterns(role, action) if not any(iam_match(p, k) for k in keys)
        ]
        assert unused == [], f"{action} granted but never needed"


def test_the_public_function_lists_only_a_case_thread_and_additions(
    recorded: RecordingStore,
) -> None:
    # s3:ListBucket is granted so that a HEAD of a missing key answers 404, not 403; the
    # follow-up lists the messages and added files of the reporter's own case, nothing else
    assert recorded.listed
    assert all(
        iam_match("cases/*/thread/", p) or iam_match("cases/*/additions/", p)
        for p in recorded.listed
    ), recorded.listed


def test_iam_wildcards_match_across_slashes_like_aws() -> None:
    assert iam_match("cases/*/files/*", "cases/K3V9/files/00/00001.age")
    assert iam_match("cases/*/state.json", "cases/K3V9/state.json")
    assert not iam_match("cases/*/state.json", "cases/K3V9/report.age")
    assert not iam_match("staging/*", "cases/staging/x")
