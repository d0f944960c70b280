"""The public (reporter-facing) API: plan segment uploads, then finalize a submission."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Path

from peluit.core.submission import Finalization, SubmissionService

from . import errors
from .models import FinalizeIn, ReceiptOut, UploadOut, UploadPlanIn, UploadPlanOut

SubmissionId = Annotated[
    str, Path(pattern=r"^[0-9a-f]{32}$", description="128 random bits, 32 hex digits")
]
PREFIX = "/api/v1"


def build_public_app(service: SubmissionService) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)
    errors.install(app)

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
