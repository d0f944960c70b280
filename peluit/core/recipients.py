"""Who each encrypted upload of the review team is for, and checking that it is so.

The server cannot tell which keys an age file is for (hybrid stanzas are anonymous), only
that it is well formed, hybrid only, and has exactly as many recipients as expected. The
reviewer's tool encrypts to the keys of the roster it was given (`peluit.toml`), never to
keys the server names, except the reporter's reply key, which only the server knows.

| upload                             | recipients                                          |
|------------------------------------|-----------------------------------------------------|
| status change reason (`notes/`)    | the channel's reviewers and oversight (as a report) |
| identity request or refusal reason | reviewers, oversight and custodians, each once      |
| message to the reporter            | the reporter's reply key, reviewers and oversight   |
| identity grant                     | the one requesting reviewer                         |
"""

from __future__ import annotations

from peluit import age
from peluit.config import Channel, Config

from .errors import InvalidCiphertextError, LimitExceededError


def note_recipients(config: Config, channel: Channel) -> list[str]:
    return config.report_recipients(channel)


def access_recipients(config: Config, channel: Channel) -> list[str]:
    ids = dict.fromkeys([*channel.reviewers, *channel.oversight, *channel.custodians])
    return [config.person(i).age_recipient for i in ids]


def message_recipients(config: Config, channel: Channel, reply_recipient: str) -> list[str]:
    return [reply_recipient, *config.report_recipients(channel)]


def check_ciphertext(data: bytes, recipients: int, max_bytes: int) -> None:
    """Refuse anything but a complete age file for exactly `recipients` hybrid recipients."""
    if len(data) > max_bytes:
        raise LimitExceededError("the encrypted upload is larger than allowed")
    try:
        info = age.inspect(data)
        info.payload_plaintext_size(len(data))
        age.require_hybrid_recipients(info, recipients)
    except (age.HeaderError, age.PayloadError):
        raise InvalidCiphertextError("not a well-formed age file") from None
    except age.RecipientPolicyError:
        raise InvalidCiphertextError(
            f"expected exactly {recipients} post-quantum (mlkem768x25519) recipients"
        ) from None
