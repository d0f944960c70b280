"""Storing rekey records (`peluit/core/rekey.py`) through the reviewer API.

Only a reviewer of the case's channel may rekey, only as themselves, only a file the case has,
and only with a header the server can check without a key: a well-formed age header for
exactly the channel's current report recipients, all post-quantum. The record's signature is
checked against the writer's roster key, and the original's SHA-256 and header length against
the stored file. The record is written create-only (a retry with the same bytes is fine), after
its audit event `case.rekey`. Nothing is overwritten: the original stays as the reporter or the
team wrote it.
"""

from __future__ import annotations

from peluit import age
from peluit.config import Config
from peluit.keys import parse_public_key
from peluit.store.errors import ObjectNotFoundError
from peluit.store.port import ObjectStore

from . import layout, rekey
from .access import Access, Actor
from .audit import AuditLog
from .cases import CaseFiles, put_same
from .dates import Clock
from .errors import InvalidCiphertextError, NotPermittedError, ObjectUnavailableError, RekeyError


class RekeyService:
    def __init__(self, config: Config, store: ObjectStore, clock: Clock) -> None:
        self._config = config
        self._store = store
        self._cases = CaseFiles(store)
        self._access = Access(config)
        self._audit = AuditLog(store, clock, config.organisation.timezone)

    def store_record(self, actor: Actor, case: str, data: bytes) -> str:
        """Check and store one record; returns its key relative to the case."""
        state, _ = self._cases.load(case)
        self._access.require_reviewer(actor.id, state.channel)
        try:
            record = rekey.parse(data)
        except rekey.RekeyRecordError as exc:
            raise RekeyError(str(exc)) from None
        if record.case != case or record.by != actor.id:
            raise NotPermittedError("a rekey record names its own case and its writer")
        signing_key = self._access.person(actor.id).signing_key
        if signing_key is None or not record.verifies(parse_public_key(signing_key)):
            raise RekeyError("the record's signature is not the writer's roster key's")
        self._check_original(case, record)
        self._check_header(state.channel, record)
        self._audit.append(
            actor.id, "case.rekey", case, object=record.object, object_sha256=record.original_sha256
        )
        put_same(self._store, record.key(), data)
        return record.relative_key()

    def _check_original(self, case: str, record: rekey.RekeyRecord) -> None:
        key = layout.case_prefix(case) + record.object
        try:
            digest = self._store.sha256(key)
            head = self._store.read_range(key, 0, rekey.MAX_HEADER)
        except ObjectNotFoundError:
            raise ObjectUnavailableError("the case has no such file") from None
        if digest.hex() != record.original_sha256:
            raise RekeyError("original_sha256 is not the stored file's")
        try:
            length = age.inspect(head).header_length
        except age.AgeError:
            raise RekeyError("the stored file's header cannot be read") from None
        if length != record.payload_offset:
            raise RekeyError("payload_offset is not where the stored file's payload starts")

    def _check_header(self, channel_id: str, record: rekey.RekeyRecord) -> None:
        channel = self._access.channel(channel_id)
        current = self._config.report_recipients(channel)
        if record.recipients_sha256 != rekey.recipients_fingerprint(current):
            raise RekeyError(
                "the record is for another recipient set than the channel's: is your "
                "peluit.toml the deployed one?"
            )
        expected = len(current)
        try:
            info = age.inspect(record.header + b"\0")
            age.require_hybrid_recipients(info, expected)
        except age.AgeError as exc:
            raise InvalidCiphertextError(f"the new header: {exc}") from None
        if info.header_length != len(record.header):
            raise InvalidCiphertextError("the new header has bytes after its MAC line")
