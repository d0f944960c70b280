"""Cases as a reporter's browser makes them: a `peluit-report/1` document with a manifest,
attachments cut into segments, each encrypted to the channel's recipients, finalized.

`submit_case` stages the segments and finalizes through `SubmissionService` over the given
store (the same calls the public API makes), so a test gets a real case in a running
`peluit serve` (its `LocalStore`) or a memory store, without a browser.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from peluit import age
from peluit.config import Config
from peluit.core import padding
from peluit.core.dates import Clock, utc_now
from peluit.core.ids import case_id
from peluit.core.submission import Finalization, Segment, SubmissionService
from peluit.store.port import ObjectStore


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    type: str = "application/octet-stream"


@dataclass(frozen=True)
class Submitted:
    case: str
    reply: age.HybridIdentity = field(repr=False)  # the reporter's reply identity
    attachments: tuple[Attachment, ...] = ()


def _recipients(config: Config, channel: str) -> list[age.HybridRecipient]:
    found = config.channel(channel)
    assert found is not None
    return [age.HybridRecipient.parse(r) for r in config.report_recipients(found)]


def _segments(data: bytes, size: int, recipients: Sequence[age.HybridRecipient]) -> list[bytes]:
    pieces = [data[i : i + size] for i in range(0, len(data), size)] or [b""]
    out = []
    for piece in pieces:
        sink = io.BytesIO()
        age.encrypt_stream(io.BytesIO(piece), sink, recipients)
        out.append(sink.getvalue())
    return out


def submit_case(
    config: Config,
    store: ObjectStore,
    answers: Mapping[str, str | bool | None],
    *,
    channel: str = "pengaduan",
    attachments: Sequence[Attachment] = (),
    identity: Mapping[str, str] | None = None,
    open_identity: Mapping[str, str] | None = None,
    clock: Clock = utc_now,
) -> Submitted:
    """A finalized case; `identity`: a confidential identity block for the custodians;
    `open_identity`: an identity given openly, inside the report."""
    recipients = _recipients(config, channel)
    submission = os.urandom(16).hex()
    segments: list[Segment] = []
    manifest = []
    for number, attachment in enumerate(attachments):
        sealed = _segments(attachment.data, config.limits.segment_bytes, recipients)
        entries = []
        for index, data in enumerate(sealed):
            store.put_new(f"staging/{submission}/{number:02d}/{index:05d}.age", data)
            digest = hashlib.sha256(data).digest()
            segments.append(Segment(number, index, len(data), digest))
            entries.append({"size": len(data), "sha256": digest.hex()})
        manifest.append(
            {
                "name": attachment.name,
                "type": attachment.type,
                "size": len(attachment.data),
                "segments": entries,
            }
        )
    document = {
        "format": "peluit-report/1",
        "channel": channel,
        "lang": "id",
        "answers": dict(answers),
        "identity_choice": (
            "confidential" if identity else "open" if open_identity else "anonymous"
        ),
        "identity": dict(open_identity) if open_identity else None,
        "files": manifest,
    }
    block = None
    if identity is not None:
        found = config.channel(channel)
        assert found is not None
        custodians = [age.HybridRecipient.parse(r) for r in config.identity_recipients(found)]
        body = {"format": "peluit-identity/1", "channel": channel, "fields": dict(identity)}
        body["case"] = case_id(submission)
        block = age.encrypt(padding.pad(json.dumps(body).encode()), custodians)
    reply = age.HybridIdentity.generate()
    request = Finalization(
        channel=channel,
        report=age.encrypt(json.dumps(document).encode(), recipients),
        identity=block,
        segments=tuple(segments),
        lookup_hash=os.urandom(32),
        reply_recipient=reply.recipient().encode(),
    )
    SubmissionService(config, store, clock).finalize(submission, request)
    return Submitted(case_id(submission), reply, tuple(attachments))
