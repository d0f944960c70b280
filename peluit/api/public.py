"""The public (reporter-facing) API: plan segment uploads, then finalize a submission."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.params import Path

from peluit.core.submission import Finalization, SubmissionService

from . import errors
from .models import FinalizeIn, ReceiptOut, UploadOut, UploadPlanIn, UploadPlanOut

SubmissionId = Annotated[
    str, Path(pattern=r"^[0-9a-f]{32}$", description="128 random bits, 32 hex digits")
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


def build_public_app(service: SubmissionService) -> APIGatewayHttpResolver:
    quiet_powertools()
    # debug=False: Powertools' debug mode (POWERTOOLS_DEV) prints every event, IP included.
    app = APIGatewayHttpResolver(enable_validation=True, debug=False)
    errors.install(app)
    app.use(middlewares=[_no_store])

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
            ),
        )
        return ReceiptOut(case=receipt.reference, acknowledged_on=receipt.acknowledged_on)

    return app
