"""What the review tool encrypts and decrypts on the person's own machine.

Recipients come from the configuration the tool was given (`peluit.toml`: public keys
only), never from the server, except the reporter's reply key, which only the case knows.
The server checks each upload's recipient count (`peluit.core.recipients`), not who they
are: encrypting to the wrong people cannot be caught there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

from peluit import age
from peluit.config import Channel, Config
from peluit.core import padding, recipients, team_signature
from peluit.core.report import FileEntry, ReplyDocument
from peluit.keys import KeyFile

REPLY_FORMAT: Literal["peluit-reply/1"] = "peluit-reply/1"


def _channel(config: Config, channel_id: str) -> Channel:
    channel = config.channel(channel_id)
    if channel is None:
        raise ValueError(f"the configuration has no channel {channel_id!r}")
    return channel


def _seal(text: str | bytes, keys: list[str]) -> bytes:
    plaintext = text.encode("utf-8") if isinstance(text, str) else text
    return age.encrypt(plaintext, [age.HybridRecipient.parse(k) for k in keys])


def status_reason(config: Config, channel_id: str, text: str) -> bytes:
    """A status change's reason, for the channel's reviewers and oversight."""
    return _seal(text, recipients.note_recipients(config, _channel(config, channel_id)))


def access_reason(config: Config, channel_id: str, text: str) -> bytes:
    """An identity request's (or refusal's) reason, for reviewers, oversight, custodians."""
    return _seal(text, recipients.access_recipients(config, _channel(config, channel_id)))


def reply_document(text: str, files: Sequence[FileEntry] = (), upload: str | None = None) -> bytes:
    """The plaintext of a message to the reporter: a `peluit-reply/1` document, padded with
    spaces to its size bucket (core/padding.py) as the reporter's documents are, so the
    ciphertext's size does not tell how long the reply or its file list is."""
    document = ReplyDocument(format=REPLY_FORMAT, text=text, files=list(files), upload=upload)
    return padding.pad(
        json.dumps(
            document.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False
        ).encode()
    )


def sign_message(key: KeyFile, case: str, seq: int, on: str, sealed: bytes) -> dict[str, object]:
    """The writer's signature of a sealed message for thread number `seq` on day `on`
    (core/team_signature.py), as the reviewer API takes it (`signed`)."""
    statement = team_signature.statement(case, seq, on, sealed)
    signature = team_signature.sign(key.signing_key, statement)
    return {"seq": seq, "on": on, "signature": signature.hex()}


def message(
    config: Config,
    channel_id: str,
    reply_recipient: str,
    text: str,
    files: Sequence[FileEntry] = (),
    upload: str | None = None,
) -> bytes:
    """A message to the reporter (a `peluit-reply/1` document, with the manifest of the files
    attached under `upload`), also readable by the channel's reviewers and oversight."""
    channel = _channel(config, channel_id)
    keys = recipients.message_recipients(config, channel, reply_recipient)
    return _seal(reply_document(text, files, upload), keys)


def reply_segment(config: Config, channel_id: str, reply_recipient: str, data: bytes) -> bytes:
    """One segment of a file attached to a message to the reporter: the message's recipients."""
    channel = _channel(config, channel_id)
    return _seal(data, recipients.message_recipients(config, channel, reply_recipient))


def grant(config: Config, reviewer: str, identity_plaintext: bytes) -> bytes:
    """The identity block's plaintext (decrypted with the custodian's key, `open_file`),
    re-encrypted to `reviewer`."""
    return _seal(identity_plaintext, [config.person(reviewer).age_recipient])


def open_file(key: KeyFile, ciphertext: bytes) -> bytes:
    """Decrypt a case file (report, segment, message, note or grant) with the person's key."""
    return age.decrypt(ciphertext, [key.identity])
