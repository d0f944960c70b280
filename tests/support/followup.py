"""The reporter's follow-up as Lambda runs it, beside the reviewer API on the same store.

`FollowupWorld` is a `Deployment` (tests/support/review.py: the reviewer API, signed clients
for the roster) plus the public API over the same memory store, and cases filed with a
real receipt code, so tests act as the reporter (with the code's token and reply identity)
and as the review team on one case.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from peluit import age
from peluit.api.public import PublicResolver, PublicServices, build_public_app
from peluit.core import padding, reporter_signature
from peluit.core.ids import case_id
from peluit.core.receipt import ReceiptCode
from peluit.core.report import MessageDocument
from peluit.core.submission import Segment
from peluit.review.transport import HttpRequest
from tests.support.factory import EncryptedSegment, finalization, submission_id
from tests.support.pow import pow_query
from tests.support.review import Deployment, ReviewTeam, http_event, lambda_context, response_of

PUBLIC = "https://wbs.example.go.id"


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    raw: bytes


@dataclass(frozen=True)
class Filed:
    """A case as its reporter knows it."""

    code: ReceiptCode
    case: str

    @property
    def token(self) -> str:
        return self.code.lookup_token().hex()

    @property
    def identity(self) -> age.HybridIdentity:
        return self.code.reply_identity()


class FollowupWorld(Deployment):
    def __init__(self, review_team: ReviewTeam) -> None:
        super().__init__(review_team)
        self.public = self.make_public()

    def make_public(self) -> PublicResolver:
        return build_public_app(PublicServices.build(self.config, self.store, self.clock, floor=0))

    # -- the reporter ----------------------------------------------------------------------

    def file(
        self,
        channel: str = "pengaduan",
        attachment: bytes | None = None,
        *,
        signed: bool = True,
        statement: int = 2,
    ) -> Filed:
        """A case filed with a fresh receipt code (as the browser files it: signed with the
        code's key, statement version 2, unless `signed` is False, as clients from before
        signatures did, or `statement` is 1, as clients from before version 2 did)."""
        team = self.review_team.team
        code = ReceiptCode.generate()
        submission = submission_id()
        parts: list[EncryptedSegment] = []
        if attachment is not None:
            parts = team.attachment(channel, 0, attachment)
            for part in parts:
                key = f"staging/{submission}/00/{part.segment.index:05d}.age"
                self.store.put_new(key, part.data)
        request = finalization(
            channel,
            team.report(channel, {"what": "Pungutan liar di kantor kecamatan."}),
            identity=team.identity_block(channel) if channel == "gratifikasi" else None,
            segments=parts,
            lookup_hash=code.lookup_hash(),
            reply=code.reply_identity().recipient().encode(),
        )
        if signed:
            seed = code.signing_seed()
            if statement == 2:
                text = reporter_signature.finalize_statement(
                    case_id(submission), request.report, request.identity, request.reply_recipient
                )
            else:
                text = reporter_signature.report_statement(request.report, request.identity)
            request = replace(
                request,
                reporter_key=reporter_signature.public_key(seed),
                signature=reporter_signature.sign(seed, text),
                statement=2 if statement == 2 else 1,
            )
        self.submissions.finalize(submission, request)
        return Filed(code, case_id(submission))

    def post(self, path: str, body: object, *, pow: str | None = None) -> Answer:
        """POST JSON to the public API with a proof of work (or exactly `pow`, "" for none)."""
        data = json.dumps(body).encode()
        if pow is None:
            query = pow_query(path, data, self.config.limits.pow_bits, self.clock())
        else:
            query = pow
        request = HttpRequest(
            "POST",
            f"{PUBLIC}{path}" + (f"?{query}" if query else ""),
            {"content-type": "application/json"},
            data,
        )
        response = response_of(self.public.resolve(http_event(request), lambda_context()))
        return Answer(response.status, response.json(), response.body)

    def status(self, filed: Filed | str, after: int = 0) -> Answer:
        token = filed if isinstance(filed, str) else filed.token
        return self.post("/api/v1/followup/status", {"token": token, "after": after})

    def say(self, filed: Filed, text: str, files: list[dict[str, Any]] | None = None) -> bytes:
        """The reporter's message as the browser seals it: padded, to the team only."""
        document = MessageDocument.model_validate(
            {"format": "peluit-message/1", "lang": "id", "text": text, "files": files or []}
        )
        plaintext = padding.pad(document.model_dump_json().encode())
        return age.encrypt(plaintext, self.team_recipients(filed))

    def team_recipients(self, filed: Filed) -> list[age.HybridRecipient]:
        channel = json.loads(self.store.objects[f"cases/{filed.case}/state.json"])["channel"]
        return self.review_team.team.report_recipients(channel)

    def message(
        self, filed: Filed, sealed: bytes, *, signed: bool = True, **more: object
    ) -> Answer:
        """Post `sealed` as the reporter's message, signed with the code's key (as current
        clients send it) unless `signed` is False or `more` gives a signature."""
        body: dict[str, object] = {
            "token": filed.token,
            "message": base64.b64encode(sealed).decode(),
        }
        if signed:
            body |= self.signed(filed, sealed)
        body |= more
        return self.post("/api/v1/followup/messages", body)

    def stage(self, filed: Filed, upload: str, plaintexts: list[bytes]) -> list[Segment]:
        """Plan and upload encrypted files under `upload`, as the browser does."""
        team = self.review_team.team
        channel = json.loads(self.store.objects[f"cases/{filed.case}/state.json"])["channel"]
        parts = [p for n, data in enumerate(plaintexts) for p in team.attachment(channel, n, data)]
        plan = self.post(
            f"/api/v1/submissions/{upload}/uploads",
            {"channel": channel, "segments": [segment_json(p.segment) for p in parts]},
        )
        assert plan.status == 200, plan.body
        for ticket, part in zip(plan.body["uploads"], parts, strict=True):
            self.store.upload(ticket["url"], part.data)
        return [p.segment for p in parts]

    def evidence(
        self, filed: Filed, upload: str, manifest: bytes, segments: list[Segment]
    ) -> Answer:
        body = {
            "token": filed.token,
            "upload": upload,
            "manifest": base64.b64encode(manifest).decode(),
            "segments": [segment_json(s) for s in segments],
        } | self.signed(filed, manifest)
        return self.post("/api/v1/followup/evidence", body)

    def signed(self, filed: Filed, sealed: bytes) -> dict[str, object]:
        """The signature fields a current client sends with `sealed`: for a version-2 case,
        over its case and the thread's next number (`seq`); for an older case, as before."""
        entry = json.loads(self.store.objects[f"lookup/{filed.code.lookup_hash().hex()}.json"])
        if entry.get("statement") != 2:
            return {"signature": sign_message(filed.code, sealed)}
        seq = self.status(filed, after=99_999).body["next_seq"]  # as the clients ask for it
        placed = reporter_signature.placed_message_statement(filed.case, seq, sealed)
        return {
            "signature": reporter_signature.sign(filed.code.signing_seed(), placed).hex(),
            "seq": seq,
        }


def sign_message(code: ReceiptCode, sealed: bytes) -> str:
    """The reporter's signature over a message, hex (core/reporter_signature.py)."""
    statement = reporter_signature.message_statement(sealed)
    return reporter_signature.sign(code.signing_seed(), statement).hex()


def segment_json(segment: Segment) -> dict[str, object]:
    return {
        "file": segment.file,
        "index": segment.index,
        "size": segment.size,
        "sha256": segment.sha256.hex(),
    }


def manifest_entries(segments: list[Segment], names: list[str]) -> list[dict[str, Any]]:
    """The manifest the browser writes for staged `segments` (sizes from the plaintexts)."""
    by_file: dict[int, list[Segment]] = {}
    for segment in segments:
        by_file.setdefault(segment.file, []).append(segment)
    entries = []
    for file, parts in sorted(by_file.items()):
        entries.append(
            {
                "name": names[file],
                "type": "application/octet-stream",
                "size": 0,
                "segments": [{"size": s.size, "sha256": s.sha256.hex()} for s in parts],
            }
        )
    return entries


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
