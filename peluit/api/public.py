"""The public (reporter-facing) API: plan segment uploads, finalize a submission, and the
reporter's follow-up with the receipt code's lookup token (status and thread, a message,
more evidence).

Every POST, whatever its path, must carry a proof of work (`?pow=`, peluit/core/pow.py). It
is checked before any route, validation or store access runs, so a request without one costs
the server one hash and changes nothing.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Annotated, Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from peluit.config import Config
from peluit.core.dates import Clock
from peluit.core.errors import ProofOfWorkError
from peluit.core.followup import DEFAULT_FLOOR, FollowupService
from peluit.core.ids import SUBMISSION_ID_PATTERN
from peluit.core.pow import QUERY, ProofOfWork
from peluit.core.submission import Finalization, SubmissionService
from peluit.stats.document import SignedStats
from peluit.stats.published import PublishedStats, StatsNotPublishedError
from peluit.store.port import ObjectStore

from . import errors, refusals
from .followup_models import (
    EvidenceIn,
    EvidenceOut,
    MessageIn,
    PostedOut,
    ReplyFileIn,
    ReplyFileOut,
    StatusIn,
    StatusOut,
    ThreadMessageOut,
)
from .models import FinalizeIn, ReceiptOut, UploadOut, UploadPlanIn, UploadPlanOut
from .resolver import OwnEventResolver

SubmissionId = Annotated[
    str, Path(pattern=f"^{SUBMISSION_ID_PATTERN}$", description="128 random bits, 32 hex digits")
]
PREFIX = "/api/v1"


# Powertools' event handler logs each route call with its arguments (the request body) and
# unmatched paths at DEBUG. A filter drops those records whatever level anyone configures.
_CHATTY_LOGGERS = (
    "aws_lambda_powertools.event_handler.api_gateway",
    "aws_lambda_powertools.event_handler.middlewares.async_utils",
    "aws_lambda_powertools.event_handler.middlewares.openapi_validation",
    "aws_lambda_powertools.event_handler.middlewares.schema_validation",
)


class _DropBelowWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def quiet_powertools() -> None:
    """Make sure no Powertools debug record (they carry request data) is ever emitted."""
    for name in _CHATTY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _DropBelowWarning) for f in logger.filters):
            logger.addFilter(_DropBelowWarning())


def _no_store(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """Answers about a report (its case reference, its upload URLs) are never cached."""
    response: Response[Any] = next_middleware(app)
    response.headers["Cache-Control"] = "no-store"
    return response


class PublicServices:
    """What the public API is built on; `build` wires it from a configuration."""

    def __init__(
        self,
        submissions: SubmissionService,
        followup: FollowupService,
        pow: ProofOfWork,
        stats: PublishedStats | None = None,  # the published statistics (peluit stats publish)
    ) -> None:
        self.submissions = submissions
        self.followup = followup
        self.pow = pow
        self.stats = stats

    @classmethod
    def build(
        cls,
        config: Config,
        store: ObjectStore,
        clock: Clock,
        floor: float = DEFAULT_FLOOR,
        sleep: Callable[[float], None] = time.sleep,
    ) -> PublicServices:
        """`floor` and `sleep`: the follow-up's minimum answer time and how it is waited out
        (`peluit serve` waits after releasing its API lock: peluit/serve/server.py)."""
        return cls(
            SubmissionService(config, store, clock),
            FollowupService(config, store, clock, floor=floor, sleep=sleep),
            ProofOfWork(config.limits.pow_bits, clock),
            PublishedStats(config, store, clock),
        )


def _pow_parts(event: Mapping[str, Any]) -> tuple[str, str, bytes, str | None]:
    """Method, path, body bytes and the `pow` query value of an API Gateway v2 event."""
    context = event.get("requestContext") or {}
    method = str((context.get("http") or {}).get("method", "")).upper()
    path = str(event.get("rawPath") or "")
    raw = event.get("body") or ""
    body = base64.b64decode(raw) if event.get("isBase64Encoded") else str(raw).encode("utf-8")
    values = parse_qs(str(event.get("rawQueryString") or "")).get(QUERY)
    return method, path, body, values[0] if values else None


def readable_json(body: bytes) -> bool:
    """Whether the body is UTF-8 JSON that Python can parse at all (not, say, nested 100,000
    deep): anything else is refused here as a 400, before any route could fail on it."""
    try:
        json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return True


def sends_json(event: Mapping[str, Any]) -> bool:
    """Whether the body is declared JSON (or not declared, which Powertools reads as JSON).
    Any other type (a form, multipart without a boundary…) is refused as a 415 before a
    route: Powertools would try to parse it and fail with a 500."""
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    declared = headers.get("content-type", "").strip().lower()
    return not declared or declared.startswith("application/json")


class PublicResolver(OwnEventResolver):
    """A Powertools resolver that admits a POST, any POST, only with a proof of work."""

    def __init__(self, pow: ProofOfWork) -> None:
        # debug=False: Powertools' debug mode (POWERTOOLS_DEV) prints every event, IP included.
        super().__init__(enable_validation=True, debug=False)
        self._pow = pow

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            method, path, body, value = _pow_parts(event)
        except (ValueError, TypeError, AttributeError):  # an event we cannot even read
            return errors.problem_result(errors.PROBLEMS[RequestValidationError])
        if method == "POST":
            # Every POST pays, whatever its path: which route a path reaches is the router's
            # business (it strips a named stage; its `$` also matches before a trailing
            # newline), so no list of paths here may decide that a request goes unpaid. The
            # proof is bound to the path as sent (`rawPath`), the one the client computed it for.
            try:
                self._pow.check(method, path, body, value)
            except ProofOfWorkError as exc:
                problem = errors.problem_for(exc) or errors.INTERNAL
                return errors.problem_result(problem, str(exc), errors.extra_for(exc))
            if not readable_json(body):
                return errors.problem_result(
                    errors.PROBLEMS[RequestValidationError], "the body is not valid JSON"
                )
            if not sends_json(event):
                return errors.problem_result(errors.PROBLEMS[RequestUnsupportedContentType])
        return super().resolve(event, context)

    def get_openapi_json_schema(self, *args: Any, **kwargs: Any) -> str:
        """Powertools' document, with the refusals this API sends (peluit/api/refusals.py)."""
        return refusals.documented(
            super().get_openapi_json_schema(*args, **kwargs), refusals.PUBLIC
        )


def build_public_app(services: PublicServices) -> PublicResolver:
    quiet_powertools()
    app = PublicResolver(services.pow)
    errors.install(app)
    app.use(middlewares=[_no_store])
    service, followup = services.submissions, services.followup

    @app.post(f"{PREFIX}/submissions/<submission>/uploads", summary="Plan segment uploads")
    def plan(submission: SubmissionId, body: UploadPlanIn) -> UploadPlanOut:
        segments = [s.to_core() for s in body.segments]
        tickets = service.plan_uploads(submission, body.channel, segments)
        return UploadPlanOut(
            uploads=[
                UploadOut(file=s.file, index=s.index, url=t.url, method=t.method, headers=t.headers)
                for s, t in zip(segments, tickets, strict=True)
            ]
        )

    @app.post(f"{PREFIX}/submissions/<submission>/finalize", summary="Finalize a submission")
    def finalize(submission: SubmissionId, body: FinalizeIn) -> ReceiptOut:
        receipt = service.finalize(
            submission,
            Finalization(
                channel=body.channel,
                report=body.report,
                identity=body.identity,
                segments=tuple(s.to_core() for s in body.segments),
                lookup_hash=body.lookup_hash,
                reply_recipient=body.reply_recipient,
                recipients_sha256=(
                    body.recipients_sha256.hex() if body.recipients_sha256 else None
                ),
                reporter_key=body.reporter_key,
                signature=body.signature,
                statement=body.statement,
            ),
        )
        return ReceiptOut(case=receipt.reference, acknowledged_on=receipt.acknowledged_on)

    @app.post(f"{PREFIX}/followup/status", summary="A case's status and thread (lookup token)")
    def status(body: StatusIn) -> StatusOut:
        found = followup.status(body.token, body.after)
        return StatusOut(
            case=found.reference,
            channel=found.channel,
            status=found.status,
            since=found.since,
            messages=[
                ThreadMessageOut(
                    seq=m.seq,
                    sender=m.sender,
                    data=base64.b64encode(m.data).decode("ascii"),
                    on=m.on,
                    signature=m.signature,
                )
                for m in found.messages
            ],
            more=found.more,
            next_seq=found.next_seq,
        )

    @app.post(f"{PREFIX}/followup/messages", summary="The reporter writes to the reviewers")
    def message(body: MessageIn) -> PostedOut:
        posted = followup.post_message(body.token, body.message, body.signature, body.seq)
        return PostedOut(seq=posted.seq)

    @app.post(f"{PREFIX}/followup/evidence", summary="Add staged files to the case")
    def add_evidence(body: EvidenceIn) -> EvidenceOut:
        added = followup.add_evidence(
            body.token,
            body.upload,
            body.manifest,
            [s.to_core() for s in body.segments],
            body.signature,
            body.seq,
        )
        return EvidenceOut(seq=added.seq, files=added.files)

    @app.post(f"{PREFIX}/followup/files", summary="A chunk of a file the reviewers attached")
    def reply_file(body: ReplyFileIn) -> ReplyFileOut:
        chunk = followup.reply_file(body.token, body.upload, body.file, body.segment, body.offset)
        return ReplyFileOut(
            size=chunk.size, offset=chunk.offset, data=base64.b64encode(chunk.data).decode("ascii")
        )

    @app.get(f"{PREFIX}/stats", summary="The published statistics: signed, counts under 5 as <5")
    def published_stats() -> SignedStats:
        if services.stats is None:
            raise StatsNotPublishedError("no statistics have been published")
        return services.stats.current()

    return app
