"""The reporter's follow-up from Python, as the follow-up page does it (js/src/followup-client.js,
peluit/site/followup.py): from the receipt code to the lookup token and the reply identity
(`peluit.core.receipt`, HKDF), the case's status and thread decrypted here, and the reporter's
answer — a `peluit-message/1` document encrypted to the channel's reviewers and oversight only
(from the site's channels.json), with new evidence uploaded exactly like a report's attachments
(`peluit.client.submit.upload_files`, proofs of work included).

Only the lookup token leaves this machine, never the code. The reporter's own messages are
sealed for the review team, so they are shown as sealed; the team's are decrypted with the
reply identity and decoded as the review tools decode them (`peluit.review.content.decode_reply`:
a `peluit-reply/1` document, or plain text from older tools). Files the team attached are
fetched chunk by chunk (`/followup/files`), each segment checked against the message's manifest
(size and SHA-256) before a byte of it is decrypted (`peluit.review.attachments`).

What the session returns is in `followup_view`, how a listed message is read in
`followup_messages`, the receipt code's typo error in `receipt_error`; all are re-exported here.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

from peluit import age
from peluit.core import padding, reporter_signature
from peluit.core.ids import is_case_id
from peluit.core.receipt import ReceiptCode, ReceiptCodeError
from peluit.core.report import MessageDocument, SegmentEntry
from peluit.review.attachments import decrypt_attachment
from peluit.review.errors import IntegrityError

from .api import ApiClient, SegmentOut
from .channels import ChannelsDocument, fetch_channels, hybrid_recipients
from .errors import NO_POSITION, ApiError, SubmitError
from .followup_messages import Signers, read_message, unexpected
from .followup_view import (
    NOT_VERIFIED_FILE,
    CaseView,
    FileIntegrityError,
    ReplyFile,
    Sent,
    ThreadMessage,
)
from .http import Transport
from .receipt_error import ReceiptError
from .submit import _file_entry, _plan_files, upload_files

MESSAGE_FORMAT: Literal["peluit-message/1"] = "peluit-message/1"
MAX_TEXT = 20_000  # characters, as core/report.py and js/src/followup-client.js
MAX_SEQ = reporter_signature.MAX_SEQ
SIGN_ATTEMPTS = 3  # a signed message races the team's for its number this often


class FollowupSession:
    """One receipt code on one Peluit site: `status()` and `send()`."""

    def __init__(
        self,
        server: str,
        receipt: str,
        transport: Transport | None = None,
        channels: ChannelsDocument | None = None,
    ) -> None:
        try:
            code = ReceiptCode.parse(receipt)  # a typo is caught here, before any request
        except ReceiptCodeError as exc:
            raise ReceiptError(str(exc)) from None
        self._token = code.lookup_token().hex()
        self._identity = code.reply_identity()
        self._signing = code.signing_seed()
        transport = transport or Transport()
        self.channels = channels or fetch_channels(server, transport)
        self._client = ApiClient(
            server, self.channels.api, self.channels.limits.pow_bits, transport
        )

    def status(self) -> CaseView:
        """The status and the whole thread (asked again with `after` while `more`)."""
        messages: list[ThreadMessage] = []
        after = 0
        while True:
            answer = self._client.post_json(
                "/followup/status", {"token": self._token, "after": after}
            )
            if not (
                isinstance(answer, dict)
                and all(
                    isinstance(answer.get(k), str) for k in ("case", "channel", "status", "since")
                )
                and isinstance(answer.get("messages"), list)
            ):
                raise unexpected()
            signers = Signers.of(answer["case"], self.channels.channels.get(answer["channel"]))
            page = [read_message(m, self._identity, signers) for m in answer["messages"]]
            messages.extend(page)
            if not answer.get("more") or not page or page[-1].seq <= after:
                return CaseView(
                    answer["case"], answer["channel"], answer["status"], answer["since"], messages
                )
            after = page[-1].seq

    def send(self, text: str, files: Sequence[Path] = (), lang: Literal["id", "en"] = "id") -> Sent:
        """The reporter's message, with new evidence if `files`: checked before anything is
        sent, then the files uploaded and the message (their manifest) filed with them."""
        view = self.status()
        spec = self.channels.channels.get(view.channel)
        if spec is None:
            raise SubmitError(f"the site's channels.json has no channel {view.channel!r}")
        recipients = hybrid_recipients(spec.report_recipients)
        text = text.replace("\r\n", "\n").strip()
        if not text and not files:
            raise SubmitError(
                "Tulis pesan atau pilih berkas terlebih dahulu. / "
                "Write a message or choose a file first."
            )
        if len(text) > MAX_TEXT:
            raise SubmitError(f"the message is longer than {MAX_TEXT} characters")
        plans = _plan_files(files, self.channels)
        limits = self.channels.limits

        def document(entries: list[list[SegmentEntry]]) -> bytes:
            manifest = [_file_entry(p, e) for p, e in zip(plans, entries, strict=True)]
            return _encode(
                MessageDocument(format=MESSAGE_FORMAT, lang=lang, text=text, files=manifest)
            )

        placeholder = [
            [
                SegmentEntry(
                    size=age.hybrid_file_size(
                        len(recipients),
                        min(limits.segment_bytes, p.size - i * limits.segment_bytes),
                    ),
                    sha256="0" * 64,
                )
                for i in range(p.segments)
            ]
            for p in plans
        ]
        if (
            age.hybrid_file_size(len(recipients), len(document(placeholder)))
            > limits.report_max_bytes
        ):
            raise SubmitError("the message is too large")
        if not plans:
            sealed = age.encrypt(document([]), recipients)
            answer = self._signed_post(
                "/followup/messages", {"token": self._token, "message": _b64(sealed)}, sealed
            )
            if not isinstance(answer, dict) or not isinstance(answer.get("seq"), int):
                raise unexpected()
            return Sent(answer["seq"], [])
        upload = secrets.token_hex(16)
        entries, segments = upload_files(
            self._client, upload, view.channel, plans, recipients, limits.segment_bytes
        )
        manifest = age.encrypt(document(entries), recipients)
        return self._evidence(upload, manifest, segments)

    def download(self, item: ReplyFile) -> Iterator[bytes]:
        """The file's authenticated plaintext, chunk by chunk: each segment fetched whole (in
        chunks of at most 3 MiB), checked against the manifest's size and SHA-256 before it is
        decrypted. Incomplete and unusable unless the iteration ends without an exception
        (`FileIntegrityError`). A file of a team message that is not verified is refused:
        its manifest is only as good as the message."""
        if not item.verified:
            raise FileIntegrityError(NOT_VERIFIED_FILE)

        def fetch(index: int) -> bytes:
            return self._segment(item, index)

        chunks = decrypt_attachment(item.entry, fetch, self._identity)
        try:
            yield from chunks
        except IntegrityError as exc:
            raise FileIntegrityError(
                "Berkas dari tim penelaah tidak utuh atau telah diubah; tidak disimpan. / "
                f"The file from the review team is incomplete or was altered; not saved. ({exc})"
            ) from None

    def _segment(self, item: ReplyFile, index: int) -> bytes:
        expected = item.entry.segments[index].size
        data = bytearray()
        while True:
            answer = self._client.post_json(
                "/followup/files",
                {
                    "token": self._token,
                    "upload": item.upload,
                    "file": item.number,
                    "segment": index,
                    "offset": len(data),
                },
            )
            if not (
                isinstance(answer, dict)
                and isinstance(answer.get("size"), int)
                and answer.get("offset") == len(data)
                and isinstance(answer.get("data"), str)
            ):
                raise unexpected()
            if answer["size"] != expected:  # not what the manifest names: do not fetch it all
                return bytes(data)
            try:
                chunk = base64.b64decode(answer["data"], validate=True)
            except ValueError:
                raise unexpected() from None
            data += chunk
            if len(data) >= answer["size"] or not chunk:
                return bytes(data)

    def _signed_post(self, path: str, body: dict[str, object], message: bytes) -> object:
        """Post `body` with the receipt code's signature over `message` for its case and the
        number it will take (core/reporter_signature.py, version 2). If someone wrote in the
        thread meanwhile (409 `thread_moved`), sign again for the new next number: the
        ciphertext stays the same, and the server stores it once."""
        for attempt in range(SIGN_ATTEMPTS):
            case, seq = self._position()
            statement = reporter_signature.placed_message_statement(case, seq, message)
            signature = reporter_signature.sign(self._signing, statement).hex()
            signed = body | {"signature": signature, "seq": seq}
            try:
                return self._client.post_json(path, signed)
            except ApiError as exc:
                if exc.code != "thread_moved" or attempt == SIGN_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _position(self) -> tuple[str, int]:
        """The case id and the number the next message takes, from a status answer that lists
        no messages (`after` the last possible number). Without a number: refused, never the
        unnumbered statement, which binds neither the case nor the place (ADR 0054)."""
        answer = self._client.post_json(
            "/followup/status", {"token": self._token, "after": MAX_SEQ}
        )
        if not isinstance(answer, dict) or not isinstance(answer.get("case"), str):
            raise unexpected()
        case = answer["case"].replace("-", "").lower()
        seq = answer.get("next_seq")
        if not is_case_id(case):
            raise unexpected()
        if not (isinstance(seq, int) and 1 <= seq <= MAX_SEQ):
            raise ApiError(200, "no_thread_position", NO_POSITION)
        return case, seq

    def _evidence(self, upload: str, manifest: bytes, segments: list[SegmentOut]) -> Sent:
        answer = self._signed_post(
            "/followup/evidence",
            {
                "token": self._token,
                "upload": upload,
                "manifest": _b64(manifest),
                "segments": [s.json() for s in segments],
            },
            manifest,
        )
        if not (
            isinstance(answer, dict)
            and isinstance(answer.get("seq"), int)
            and isinstance(answer.get("files"), list)
            and all(isinstance(n, int) for n in answer["files"])
        ):
            raise unexpected()
        return Sent(answer["seq"], list(answer["files"]))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _encode(document: MessageDocument) -> bytes:
    """The message as it is encrypted: compact JSON, padded to its size bucket."""
    return padding.pad(
        json.dumps(
            document.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False
        ).encode()
    )


__all__ = [
    "CaseView",
    "FileIntegrityError",
    "FollowupSession",
    "ReceiptError",
    "ReplyFile",
    "Sent",
    "ThreadMessage",
]
