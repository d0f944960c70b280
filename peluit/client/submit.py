"""One submission, start to finish, as js/src/submit.js does it: everything that can be
refused without the network is refused first; segments are encrypted and uploaded one by one;
then the report (and identity block) are encrypted and the case is finalized, with retries.
Nothing is filed unless every segment is stored."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import mimetypes
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from peluit import age
from peluit.core import padding, recipient_set, reporter_signature
from peluit.core.ids import case_id
from peluit.core.receipt import ReceiptCode
from peluit.core.report import (
    AnswerValue,
    FileEntry,
    IdentityChoice,
    IdentityDocument,
    ReportDocument,
    SegmentEntry,
    fit_file_name,
    fit_file_type,
)

from .api import ApiClient, SegmentOut
from .channels import ChannelsDocument, ChannelSpec, FieldRules, fetch_channels, hybrid_recipients
from .errors import SubmitError
from .http import Transport
from .identity_rules import check_identity

_TRUE = {"true", "1", "yes", "ya", "on"}
_FALSE = {"false", "0", "no", "tidak", "off", ""}


@dataclass(frozen=True)
class SubmitRequest:
    """What the reporter entered: raw field texts by id, the identity choice, file paths."""

    channel: str
    fields: Mapping[str, str]
    identity_choice: IdentityChoice = "anonymous"
    identity_fields: Mapping[str, str] = field(default_factory=dict)
    files: Sequence[Path] = ()
    lang: Literal["id", "en"] = "id"


@dataclass(frozen=True)
class SubmitResult:
    case: str
    receipt: str
    acknowledged_on: str

    def json(self) -> dict[str, str]:
        return {"case": self.case, "receipt": self.receipt, "acknowledged_on": self.acknowledged_on}


def identity_choices(mode: str) -> tuple[IdentityChoice, ...]:
    if mode == "none":
        return ("anonymous",)
    if mode == "required":
        return ("confidential", "open")
    return ("anonymous", "confidential", "open")


def _value(rules: FieldRules, raw: str | None) -> AnswerValue:
    if rules.kind == "boolean":
        text = (raw or "").strip().lower()
        if text not in _TRUE | _FALSE:
            raise SubmitError(f"field {rules.id!r} takes true or false")
        checked = text in _TRUE
        if rules.required and not checked:
            raise SubmitError(f"field {rules.id!r} must be true")
        return checked
    text = (raw or "").strip()
    if text == "":
        if rules.required:
            raise SubmitError(f"field {rules.id!r} is required")
        return None
    if len(text) > rules.max_length:
        raise SubmitError(f"field {rules.id!r} is longer than {rules.max_length} characters")
    if rules.options and rules.kind in {"select", "kpk_area"} and text not in rules.options:
        raise SubmitError(f"field {rules.id!r} must be one of: {', '.join(rules.options)}")
    return text


def answers_for(
    spec: ChannelSpec, given: Mapping[str, str], identity: bool
) -> dict[str, AnswerValue]:
    """Every field of the channel of this kind (identity or not), checked; unknown refused.
    Every problem is reported at once (all missing fields together), with a hint for a
    field given as the wrong kind (an identity field as --field, or the other way)."""
    rules = [f for f in spec.fields if f.identity == identity]
    known = {f.id for f in rules}
    problems = [_unknown(spec, name, identity) for name in sorted(set(given) - known)]
    missing = [
        f.id
        for f in rules
        if f.required and f.kind != "boolean" and not (given.get(f.id) or "").strip()
    ]
    answers: dict[str, AnswerValue] = {}
    for f in rules:
        if f.id in missing:
            continue
        try:
            answers[f.id] = _value(f, given.get(f.id))
        except SubmitError as exc:
            problems.append(str(exc))
    if missing:
        what = "identity field" if identity else "field"
        flag = "--identity-field" if identity else "--field"
        plural = "s" if len(missing) > 1 else ""
        problems.insert(
            0,
            f"missing required {what}{plural} ({flag} NAME=VALUE): {', '.join(missing)}",
        )
    if problems:
        lists = " (peluit submit --list-fields lists them)" if missing or set(given) - known else ""
        raise SubmitError("; ".join(problems) + lists)
    return answers


def _unknown(spec: ChannelSpec, name: str, identity: bool) -> str:
    other = next((f for f in spec.fields if f.id == name and f.identity != identity), None)
    if other is not None and other.identity:
        return (
            f"{name!r} is an identity field: give it as --identity-field {name}=... "
            "(with --identity-choice confidential or open), not as --field"
        )
    if other is not None:
        return f"{name!r} is a report field: give it as --field {name}=..."
    return f"the channel has no {'identity field' if identity else 'field'} {name!r}"


def _encode(doc: ReportDocument | IdentityDocument) -> bytes:
    """The document as it is encrypted: compact JSON, padded to its size bucket."""
    return padding.pad(
        json.dumps(doc.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False).encode()
    )


@dataclass(frozen=True)
class _Plan:
    path: Path
    size: int
    segments: int


def _plan_files(files: Sequence[Path], doc: ChannelsDocument) -> list[_Plan]:
    limits = doc.limits
    if len(files) > limits.files_per_report:
        raise SubmitError(f"at most {limits.files_per_report} files per report")
    plans = []
    for path in files:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise SubmitError(f"cannot read {path}: {exc.strerror}") from None
        if not path.is_file():
            raise SubmitError(f"not a file: {path}")
        if size > limits.file_max_bytes:
            raise SubmitError(f"{path.name} is larger than {limits.file_max_bytes} bytes")
        plans.append(_Plan(path, size, max(1, math.ceil(size / limits.segment_bytes))))
    if sum(p.size for p in plans) > limits.total_max_bytes:
        raise SubmitError(f"the files together are larger than {limits.total_max_bytes} bytes")
    return plans


def _file_entry(plan: _Plan, segments: list[SegmentEntry]) -> FileEntry:
    return FileEntry(
        name=fit_file_name(plan.path.name),
        type=fit_file_type(mimetypes.guess_type(plan.path.name)[0]),
        size=plan.size,
        segments=segments,
    )


def upload_files(
    client: ApiClient,
    submission: str,
    channel: str,
    plans: Sequence[_Plan],
    recipients: Sequence[age.HybridRecipient],
    segment_bytes: int,
) -> tuple[list[list[SegmentEntry]], list[SegmentOut]]:
    """Encrypt and upload every segment of `plans` under `submission` (a report's, or an
    upload of evidence added later): each file's manifest entries, and the segments to
    finalize."""
    entries: list[list[SegmentEntry]] = []
    uploaded: list[SegmentOut] = []
    for number, plan in enumerate(plans):
        entries.append([])
        with plan.path.open("rb") as src:
            for index in range(plan.segments):
                want = min(segment_bytes, plan.size - index * segment_bytes)
                plaintext = src.read(want)
                if len(plaintext) != want:
                    raise SubmitError(f"{plan.path.name} changed while it was being read")
                body = age.encrypt(plaintext, list(recipients))
                digest = hashlib.sha256(body).hexdigest()
                segment = SegmentOut(number, index, len(body), digest)
                client.upload_segment(submission, channel, segment, body)
                entries[-1].append(SegmentEntry(size=len(body), sha256=digest))
                uploaded.append(segment)
    return entries, uploaded


def submit(
    server: str,
    request: SubmitRequest,
    transport: Transport | None = None,
    channels: ChannelsDocument | None = None,
) -> SubmitResult:
    """Submit one report to the Peluit site at `server`; raises a ClientError with nothing
    filed, or returns the receipt."""
    transport = transport or Transport()
    doc = channels or fetch_channels(server, transport)
    spec = doc.channels.get(request.channel)
    if spec is None:
        raise SubmitError(f"no channel {request.channel!r} (have: {', '.join(doc.channels)})")

    # 1. Everything that can be refused without the network, refused first.
    recipients = hybrid_recipients(spec.report_recipients)
    choice = request.identity_choice
    if choice not in identity_choices(spec.identity):
        allowed = ", ".join(identity_choices(spec.identity))
        raise SubmitError(f"this channel takes identity choice {allowed}")
    answers = answers_for(spec, request.fields, identity=False)
    if choice == "anonymous":
        if request.identity_fields:
            raise SubmitError("identity fields need --identity-choice confidential or open")
        answers, _ = check_identity(spec.fields, choice, answers, {})
        in_report, block = None, None
    else:
        given = answers_for(spec, request.identity_fields, identity=True)
        answers, given = check_identity(spec.fields, choice, answers, given)
        in_report = given if choice == "open" else None
        block = given if choice == "confidential" or spec.identity == "required" else None
    identity_recipients = hybrid_recipients(spec.identity_recipients) if block is not None else []
    plans = _plan_files(request.files, doc)
    segment_bytes = doc.limits.segment_bytes
    count = len(recipients)
    code = ReceiptCode.generate()
    seed = code.signing_seed()
    reply = code.reply_identity().recipient().encode()

    def report(entries: list[list[SegmentEntry]]) -> ReportDocument:
        return ReportDocument(
            format="peluit-report/1",
            channel=request.channel,
            lang=request.lang,
            answers=answers,
            identity_choice=choice,
            identity=in_report,
            files=[_file_entry(p, e) for p, e in zip(plans, entries, strict=True)],
            # inside the encryption, out of the server's reach: the review tool refuses a
            # reply.json with other keys (ADR 0054)
            reporter_key=reporter_signature.public_key(seed).hex(),
            reply_recipient=reply,
        )

    placeholder = [
        [
            SegmentEntry(
                size=age.hybrid_file_size(
                    count, min(segment_bytes, p.size - i * segment_bytes) if p.size else 0
                ),
                sha256="0" * 64,
            )
            for i in range(p.segments)
        ]
        for p in plans
    ]
    if age.hybrid_file_size(count, len(_encode(report(placeholder)))) > doc.limits.report_max_bytes:
        raise SubmitError("the report is too large")

    submission = secrets.token_hex(16)
    client = ApiClient(server, doc.api, doc.limits.pow_bits, transport)

    # 2. Segments, one by one.
    entries, uploaded = upload_files(
        client, submission, request.channel, plans, recipients, segment_bytes
    )

    # 3. The report and the identity block.
    report_age = age.encrypt(_encode(report(entries)), recipients)
    identity_age = (
        age.encrypt(
            _encode(
                IdentityDocument(
                    format="peluit-identity/1",
                    channel=request.channel,
                    fields=block,
                    case=case_id(submission),
                )
            ),
            identity_recipients,
        )
        if block is not None
        else None
    )

    # 4. Finalize, retried (idempotent on the server), signed with the receipt code's key.
    statement = reporter_signature.finalize_statement(
        case_id(submission), report_age, identity_age, reply
    )
    case, acknowledged = client.finalize(
        submission,
        {
            "channel": request.channel,
            "report": base64.b64encode(report_age).decode(),
            "identity": base64.b64encode(identity_age).decode() if identity_age else None,
            "segments": [s.json() for s in uploaded],
            "lookup_hash": code.lookup_hash().hex(),
            "reply_recipient": reply,
            "recipients_sha256": recipient_set.fingerprint(
                spec.report_recipients, spec.identity_recipients
            ),
            "reporter_key": reporter_signature.public_key(seed).hex(),
            "signature": reporter_signature.sign(seed, statement).hex(),
            "statement": reporter_signature.CURRENT,
        },
    )
    return SubmitResult(case=case, receipt=str(code), acknowledged_on=acknowledged)
