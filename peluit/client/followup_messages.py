"""One message of a follow-up thread as the server lists it, read on the reporter's machine:
the reporter's own are sealed for the review team and shown as sealed; the team's are decrypted
with the receipt code's reply identity, decoded as the review tools decode them
(`peluit.review.content.decode_reply`) and marked verified only if one of the channel's
reviewers signed them for this case, number and day (core/team_signature.py)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from peluit import age
from peluit.core import team_signature
from peluit.keys import SigningKeyFormatError, parse_public_key
from peluit.review.content import ReplyFormatError, decode_reply

from .channels import ChannelSpec
from .errors import UNEXPECTED, ApiError
from .followup_view import REPORTER, TEAM, ThreadMessage


def unexpected() -> ApiError:
    """The server answered 200 with something that is not what the follow-up API returns."""
    return ApiError(200, "invalid_response", UNEXPECTED)


@dataclass(frozen=True)
class Signers:
    """Who may sign the team's messages on this case: its id and its channel's reviewers'
    keys, from the site's channels.json (covered by the signed release)."""

    case: str
    keys: list[Ed25519PublicKey]

    @classmethod
    def of(cls, reference: str, spec: ChannelSpec | None) -> Signers:
        keys = []
        for text in spec.reply_signers if spec else []:
            try:
                keys.append(parse_public_key(text))
            except SigningKeyFormatError:
                continue  # a key this client cannot read verifies nothing
        return cls(reference.replace("-", "").lower(), keys)

    def verified(self, seq: int, on: str | None, sealed: bytes, signature: object) -> bool:
        if not (isinstance(signature, str) and isinstance(on, str) and self.keys):
            return False
        try:
            raw = bytes.fromhex(signature)
            statement = team_signature.statement(self.case, seq, on, sealed)
        except ValueError:
            return False
        return team_signature.signed_by_any(self.keys, raw, statement)


def read_message(raw: object, identity: age.HybridIdentity, signers: Signers) -> ThreadMessage:
    if not (
        isinstance(raw, dict)
        and isinstance(raw.get("seq"), int)
        and raw.get("sender") in (REPORTER, TEAM)
        and isinstance(raw.get("data"), str)
        and (raw.get("on") is None or isinstance(raw.get("on"), str))
    ):
        raise unexpected()
    seq, on = raw["seq"], raw.get("on")
    if raw["sender"] == REPORTER:
        return ThreadMessage(seq, REPORTER, None, True, on)
    try:
        sealed = base64.b64decode(raw["data"], validate=True)
        plaintext = age.decrypt(sealed, [identity])
    except (age.AgeError, ValueError):
        return ThreadMessage(seq, TEAM, None, False, on)
    verified = signers.verified(seq, on, sealed, raw.get("signature"))
    try:
        reply = decode_reply(plaintext)
    except ReplyFormatError as exc:
        return ThreadMessage(seq, TEAM, None, True, on, problem=exc.problem, verified=verified)
    return ThreadMessage(
        seq, TEAM, reply.text, True, on, tuple(reply.files), reply.upload, verified=verified
    )
