"""A configuration with real, freshly generated keys, and valid submissions for it.

`make_team()` builds the example configuration's roster and channels with new hybrid
identities whose private halves the test keeps, so whatever the server stores can be
decrypted and checked. Its three channels have three different recipient counts:

| channel       | identity   | reviewers   | oversight   | custodians | report recipients |
|---------------|------------|-------------|-------------|------------|-------------------|
| `pengaduan`   | optional   | rina, agus  | kpk-liaison | agus       | 3                 |
| `gratifikasi` | required   | dewi        | kpk-liaison | dewi       | 2                 |
| `pelayanan`   | none       | rina        | —           | —          | 1                 |
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peluit import age
from peluit.config import Channel, Config
from peluit.core import padding
from peluit.core.submission import Finalization, Segment

# The annotated example ships inside the package (`peluit serve` builds its demo from it).
EXAMPLE = Path(__file__).resolve().parents[2] / "peluit" / "config" / "example.toml"
KiB = 1024

SMALL_LIMITS: dict[str, int] = {
    "report_max_bytes": 64 * KiB,
    "file_max_bytes": 256 * KiB,
    "files_per_report": 3,
    "total_max_bytes": 512 * KiB,
    "segment_bytes": 64 * KiB,
    "pow_bits": 4,  # a proof of work is still required, but costs 16 tries (tests.support.pow)
}

PELAYANAN: dict[str, Any] = {
    "id": "pelayanan",
    "name": {"id": "Pengaduan pelayanan publik", "en": "Public service complaint"},
    "description": {"id": "Keluhan tentang pelayanan.", "en": "Complaints about a service."},
    "identity": "none",
    "reviewers": ["rina"],
    "fields": [
        {
            "id": "what",
            "kind": "textarea",
            "required": True,
            "label": {"id": "Apa yang terjadi?", "en": "What happened?"},
        }
    ],
}


def example_path() -> Path:
    """Where the shipped, annotated example configuration is."""
    return EXAMPLE


@functools.cache
def example_text() -> str:
    return example_path().read_text(encoding="utf-8")


def example_raw() -> dict[str, Any]:
    """The shipped example as a fresh, mutable dict."""
    return tomllib.loads(example_text())


@dataclass(frozen=True)
class EncryptedSegment:
    """One uploaded piece of an attachment: what finalization declares, and its bytes."""

    segment: Segment
    data: bytes


@dataclass(frozen=True)
class Team:
    """A parsed configuration and the private identity of every person in it."""

    config: Config
    identities: dict[str, age.HybridIdentity]

    def identity(self, person: str) -> age.HybridIdentity:
        return self.identities[person]

    def _channel(self, channel: str) -> Channel:
        found = self.config.channel(channel)
        if found is None:
            raise KeyError(channel)
        return found

    def reviewers(self, channel: str) -> list[age.HybridIdentity]:
        return [self.identities[p] for p in self._channel(channel).reviewers]

    def oversight(self, channel: str) -> list[age.HybridIdentity]:
        return [self.identities[p] for p in self._channel(channel).oversight]

    def custodians(self, channel: str) -> list[age.HybridIdentity]:
        return [self.identities[p] for p in self._channel(channel).custodians]

    def report_recipients(self, channel: str) -> list[age.HybridRecipient]:
        texts = self.config.report_recipients(self._channel(channel))
        return [age.HybridRecipient.parse(t) for t in texts]

    def identity_recipients(self, channel: str) -> list[age.HybridRecipient]:
        texts = self.config.identity_recipients(self._channel(channel))
        return [age.HybridRecipient.parse(t) for t in texts]

    # -- what a browser sends -------------------------------------------------------------

    def report(self, channel: str, answers: Mapping[str, object] | None = None) -> bytes:
        """The channel's answers as JSON, encrypted to its reviewers and oversight."""
        body = answers if answers is not None else {"what": "Volume pekerjaan jalan dikurangi."}
        return age.encrypt(json.dumps(body).encode(), self.report_recipients(channel))

    def identity_block(
        self, channel: str, fields: Mapping[str, object] | None = None, case: str | None = None
    ) -> bytes:
        """The reporter's identity fields, encrypted to the channel's custodians only, as a
        client writes them (`peluit-identity/1`, padded); `case`: the case it names (ADR 0059),
        None as a block from before."""
        document: dict[str, object] = {
            "format": "peluit-identity/1",
            "channel": channel,
            "fields": dict(fields or {"reporter_name": "Siti", "reporter_nik": "1"}),
        }
        if case is not None:
            document["case"] = case
        plaintext = padding.pad(json.dumps(document).encode())
        return age.encrypt(plaintext, self.identity_recipients(channel))

    def attachment(self, channel: str, file: int, plaintext: bytes) -> list[EncryptedSegment]:
        """`plaintext` cut into `segment_bytes` pieces, each its own age file."""
        step = self.config.limits.segment_bytes
        pieces = [plaintext[i : i + step] for i in range(0, len(plaintext), step)] or [b""]
        recipients = self.report_recipients(channel)
        out = []
        for index, piece in enumerate(pieces):
            data = age.encrypt(piece, recipients)
            segment = Segment(file, index, len(data), hashlib.sha256(data).digest())
            out.append(EncryptedSegment(segment, data))
        return out


def make_team(limits: dict[str, int] | None = None) -> Team:
    """The example's people and channels (plus `pelayanan`) with fresh keys.

    `limits` defaults to `SMALL_LIMITS` (64 KiB segments), so multi-segment tests are cheap.
    """
    raw = example_raw()
    identities: dict[str, age.HybridIdentity] = {}
    for person in raw["people"]:
        identities[person["id"]] = age.HybridIdentity.generate()
        person["age_recipient"] = identities[person["id"]].recipient().encode()
    raw["channels"].append(copy.deepcopy(PELAYANAN))
    raw["limits"] = dict(SMALL_LIMITS if limits is None else limits)
    return Team(Config.model_validate(raw), identities)


def submission_id() -> str:
    return os.urandom(16).hex()


def reply_recipient() -> str:
    """A fresh reporter reply key (its identity is the reporter's, not the test's concern)."""
    return age.HybridIdentity.generate().recipient().encode()


def finalization(
    channel: str,
    report: bytes,
    *,
    identity: bytes | None = None,
    segments: list[EncryptedSegment] | None = None,
    lookup_hash: bytes | None = None,
    reply: str | None = None,
) -> Finalization:
    return Finalization(
        channel=channel,
        report=report,
        identity=identity,
        segments=tuple(s.segment for s in segments or []),
        lookup_hash=lookup_hash if lookup_hash is not None else os.urandom(32),
        reply_recipient=reply if reply is not None else reply_recipient(),
    )
