"""Giving old cases to the current roster (ADR 0044): write rekey records, and read through them.

Writing (`rekey_case`): for every file of a case that the report's recipients read, fetch the
stored original, open its header with this person's key (directly, or through an earlier
record), re-wrap the file key for the channel's *current* reviewers and oversight from the
local configuration, sign the record with this person's roster key and store it through the
reviewer API (which checks it and writes the audit event). Payloads are never re-encrypted or
uploaded: only headers, a few kilobytes per file.

Reading (`Rekeyed.open`): a file that does not open with the key is tried again with each
record stored for its original's SHA-256 whose signature is by a current roster member's key,
as `header ‖ original[payload_offset:]`. The original's hash is checked by the caller as
before (manifests, the reporter's signature), so a record can only add readers, never change
what a file says: a header with another file key fails the payload's authentication.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from peluit import age
from peluit.age.rewrap import rewrap, splice
from peluit.api.review_models import CaseObjectOut
from peluit.config import Config
from peluit.core import rekey
from peluit.keys import KeyFile, parse_public_key

from .client import ReviewClient
from .errors import ReviewApiError, ReviewInputError


@dataclass
class RekeyResult:
    case: str
    stored: list[str] = field(default_factory=list)  # object keys given to the current roster
    current: list[str] = field(default_factory=list)  # ... that had a record for it already
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (object key, why)


class Rekeyed:
    """The verified rekey records of a case, spliced with an original."""

    def __init__(self, config: Config, client: ReviewClient) -> None:
        self._config = config
        self._client = client

    def candidates(self, case: str, listed: Iterable[str], original: bytes) -> list[bytes]:
        digest = hashlib.sha256(original).hexdigest()
        found = []
        for record in self.records(case, rekey.records_for(list(listed), digest)):
            if record.original_sha256 != digest:
                continue
            try:
                found.append(splice(record.header, original, record.payload_offset))
            except ValueError:
                continue
        return found

    def records(self, case: str, keys: Iterable[str]) -> list[rekey.RekeyRecord]:
        """The records at `keys` (relative to the case) that are well formed, for `case`, and
        signed by someone on this configuration's roster; others are left out."""
        found = []
        for relative in keys:
            try:
                record = rekey.parse(self._client.read_object(case, relative))
            except (rekey.RekeyRecordError, ReviewApiError):
                continue
            person = next((p for p in self._config.people if p.id == record.by), None)
            if record.case != case or person is None or person.signing_key is None:
                continue  # not (or no longer) on the roster
            if record.verifies(parse_public_key(person.signing_key)):
                found.append(record)
        return found


def open_file(
    identity: age.Identity, original: bytes, candidates: Callable[[], list[bytes]]
) -> bytes:
    """`original` decrypted, or else the first rekeyed candidate that opens with `identity`;
    the original's `NoMatchError` if none does."""
    try:
        return age.decrypt(original, [identity])
    except age.NoMatchError:
        for candidate in candidates():
            try:
                return age.decrypt(candidate, [identity])
            except age.NoMatchError:
                continue
        raise


def rekey_case(
    config: Config,
    key: KeyFile,
    client: ReviewClient,
    case: str,
    only: Sequence[str] = (),
) -> RekeyResult:
    """Store a rekey record for every file of `case` the report's recipients read (or only the
    object keys in `only`), for the channel's current reviewers and oversight."""
    view = client.get_case(case)
    channel = config.channel(view.channel)
    if channel is None or key.person not in channel.reviewers:
        raise ReviewInputError(f"only a reviewer of {view.channel!r} may rekey its cases")
    current = config.report_recipients(channel)
    fingerprint = rekey.recipients_fingerprint(current)
    recipients = [age.parse_recipient(r) for r in current]
    objects = {o.key: o for o in view.objects}
    rekeyed = Rekeyed(config, client)
    done = {  # a second run (or a second reviewer) skips what has a record for this roster
        r.object
        for r in rekeyed.records(case, [k for k in objects if rekey.RECORD_KEY.fullmatch(k)])
        if r.recipients_sha256 == fingerprint
    }
    result = RekeyResult(case)
    for name in sorted(objects):
        if not rekey.OBJECT.fullmatch(name) or (only and name not in only):
            continue
        if name in done:
            result.current.append(name)
            continue
        original = _fetch(client, case, objects[name])

        def spliced(original: bytes = original) -> list[bytes]:
            return rekeyed.candidates(case, objects, original)

        try:
            header = _rewrap(key, original, spliced, recipients)
        except age.NoMatchError:
            result.skipped.append((name, "not readable with your key"))
            continue
        except age.AgeError as exc:
            result.skipped.append((name, f"not a readable age file ({exc})"))
            continue
        offset = age.inspect(original).header_length
        record = rekey.make(
            case, name, original, header, offset, fingerprint, key.person, key.signing_key
        )
        client.store_rekey(case, record.to_bytes())
        result.stored.append(name)
    return result


def _fetch(client: ReviewClient, case: str, obj: CaseObjectOut) -> bytes:
    return client.download(case, obj) if obj.url else client.read_object(case, obj.key)


def _rewrap(
    key: KeyFile,
    original: bytes,
    spliced: Callable[[], list[bytes]],
    recipients: Sequence[age.Recipient],
) -> bytes:
    """The new header, from the original's header or from a rekeyed one this key opens."""
    try:
        return rewrap(original, [key.identity], recipients)[0]
    except age.NoMatchError:
        for candidate in spliced():
            try:
                return rewrap(candidate, [key.identity], recipients)[0]
            except age.NoMatchError:
                continue
        raise
