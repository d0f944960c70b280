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
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from peluit import age
from peluit.core import padding, reporter_signature, team_signature
from peluit.core.ids import is_case_id
from peluit.core.receipt import ReceiptCode, ReceiptCodeError
from peluit.core.report import FileEntry, MessageDocument, SegmentEntry
from peluit.keys import SigningKeyFormatError, parse_public_key
from peluit.review.attachments import decrypt_attachment
from peluit.review.content import ReplyFormatError, decode_reply
from peluit.review.errors import IntegrityError

from .api import ApiClient, SegmentOut
from .channels import ChannelsDocument, ChannelSpec, fetch_channels, hybrid_recipients
from .errors import NO_POSITION, UNEXPECTED, ApiError, ClientError, SubmitError
from .http import Transport
from .submit import _file_entry, _plan_files, upload_files

MESSAGE_FORMAT: Literal["peluit-message/1"] = "peluit-message/1"
MAX_TEXT = 20_000  # characters, as core/report.py and js/src/followup-client.js
MAX_SEQ = reporter_signature.MAX_SEQ
SIGN_ATTEMPTS = 3  # a signed message races the team's for its number this often
TEAM: Literal["penelaah"] = "penelaah"
REPORTER: Literal["pelapor"] = "pelapor"
Sender = Literal["pelapor", "penelaah"]


_CODE_PROBLEMS = (  # peluit.core.receipt's reasons, in the words of js/src/messages.js code_*
    (
        "27 characters",
        "Kode tanda terima terdiri dari 27 huruf dan angka. Periksa lagi.",
        "A receipt code has 27 letters and digits. Please check it.",
    ),
    (
        "only digits and letters",
        "Kode tanda terima hanya berisi angka dan huruf A-Z (tanpa U). Periksa lagi.",
        "A receipt code has only digits and the letters A-Z (no U). Please check it.",
    ),
    (
        "typo",
        "Ada salah ketik di kode ini: karakter terakhir (karakter pemeriksa) tidak cocok dengan "
        "yang lain. Periksa setiap karakter dengan teliti. Belum ada yang dikirim.",
        "There is a typo in this code: its last character (the check character) does not match "
        "the rest. Check every character carefully. Nothing has been sent.",
    ),
)


class ReceiptError(ClientError):
    """A receipt code with a typo: refused before any request."""

    def __init__(self, reason: str) -> None:
        found = next((p for p in _CODE_PROBLEMS if p[0] in reason), None)
        _, indonesian, english = found or (
            "",
            "Ini bukan kode tanda terima Peluit. Periksa karakter pertama.",
            "This is not a Peluit receipt code. Check the first character.",
        )
        super().__init__(f"{indonesian} / {english}")


@dataclass(frozen=True)
class ThreadMessage:
    seq: int
    sender: Sender
    text: str | None  # the team's message, decrypted; None for the reporter's own (sealed)
    readable: bool  # False: a team message this code's reply key does not open
    on: str | None = None  # the day the server numbered it, YYYY-MM-DD; None: older
    files: tuple[FileEntry, ...] = ()  # files the team attached (their manifest)
    upload: str | None = None  # where those files are stored
    problem: str | None = None  # a team message that opened but does not decode
    # A team message signed by one of the channel's reviewers for this case, number and day
    # (core/team_signature.py); False: unsigned or not verifiable, never shown as the team's.
    verified: bool = False


NOT_VERIFIED_FILE = (
    "Berkas ini dilampirkan pada pesan yang tidak terverifikasi berasal dari tim penelaah; tidak "
    "diunduh. / This file is attached to a message not verified to come from the review team; "
    "not downloaded."
)


class FileIntegrityError(ClientError):
    """A downloaded segment is not the one the team's message names, or does not decrypt."""


@dataclass(frozen=True)
class ReplyFile:
    """A file the team attached to message `seq`: number `number` of its manifest."""

    seq: int
    number: int
    entry: FileEntry
    upload: str = field(repr=False)
    verified: bool = True  # its message is signed by the team (core/team_signature.py)


@dataclass(frozen=True)
class CaseView:
    reference: str
    channel: str
    status: str
    since: str
    messages: list[ThreadMessage]

    def json(self) -> dict[str, Any]:
        return {
            "case": self.reference,
            "channel": self.channel,
            "status": self.status,
            "since": self.since,
            "messages": [
                {
                    "seq": m.seq,
                    "sender": m.sender,
                    "on": m.on,
                    "text": m.text,
                    "readable": m.readable,
                    "files": [{"name": f.name, "type": f.type, "size": f.size} for f in m.files],
                    "problem": m.problem,
                    "verified": m.verified,
                }
                for m in self.messages
            ],
        }

    def files(self) -> list[ReplyFile]:
        """Every file the team attached, message by message."""
        return [
            ReplyFile(m.seq, n, entry, m.upload, m.verified)
            for m in self.messages
            if m.upload is not None
            for n, entry in enumerate(m.files)
        ]


@dataclass(frozen=True)
class Sent:
    seq: int  # the message's number in the thread
    files: list[int]  # the case's numbers of the new files, in the order given

    def json(self) -> dict[str, Any]:
        return {"seq": self.seq, "files": self.files}


def _unexpected() -> ApiError:
    return ApiError(200, "invalid_response", UNEXPECTED)


@dataclass(frozen=True)
class _Signers:
    """Who may sign the team's messages on this case: its id and its channel's reviewers'
    keys, from the site's channels.json (covered by the signed release)."""

    case: str
    keys: list[Ed25519PublicKey]

    @classmethod
    def of(cls, reference: str, spec: ChannelSpec | None) -> _Signers:
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


def _message(raw: object, identity: age.HybridIdentity, signers: _Signers) -> ThreadMessage:
    if not (
        isinstance(raw, dict)
        and isinstance(raw.get("seq"), int)
        and raw.get("sender") in (REPORTER, TEAM)
        and isinstance(raw.get("data"), str)
        and (raw.get("on") is None or isinstance(raw.get("on"), str))
    ):
        raise _unexpected()
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
                raise _unexpected()
            signers = _Signers.of(answer["case"], self.channels.channels.get(answer["channel"]))
            page = [_message(m, self._identity, signers) for m in answer["messages"]]
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
                raise _unexpected()
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
                raise _unexpected()
            if answer["size"] != expected:  # not what the manifest names: do not fetch it all
                return bytes(data)
            try:
                chunk = base64.b64decode(answer["data"], validate=True)
            except ValueError:
                raise _unexpected() from None
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
            raise _unexpected()
        case = answer["case"].replace("-", "").lower()
        seq = answer.get("next_seq")
        if not is_case_id(case):
            raise _unexpected()
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
            raise _unexpected()
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
