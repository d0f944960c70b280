"""The reviewer API (`/api/v1/review/…`): what the review team's tool talks to.

Every request must carry an RFC 9421 signature by a roster key (`peluit.httpsig.verify`).
It is checked before any route, validation or lookup runs, so an unsigned request learns
nothing, not even which paths exist. The route's service then authorises by role. The
request's nonce is spent structurally (`peluit.core.nonces`): the services write through an
`AdmittingStore`, whose first write of a request spends it, and a request that wrote nothing
spends it before its answer leaves. A refused or replayed request changes nothing in the
store, and no route can forget to spend. Nothing of a request is logged.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Annotated, Any, cast

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext
from cryptography.hazmat.primitives.asymmetric import ed25519

from peluit.config import Config
from peluit.core import revocation
from peluit.core.access import Actor
from peluit.core.dates import Clock
from peluit.core.errors import NotPermittedError, ReplayedRequestError
from peluit.core.identity_access import IdentityAccessService
from peluit.core.ids import CASE_ID_PATTERN, ROSTER_ID_PATTERN
from peluit.core.nonces import Admission, AdmittingStore, NonceLedger, admitting
from peluit.core.rekeying import RekeyService
from peluit.core.review import CaseView, ReviewService
from peluit.httpsig.errors import SignatureError, SignatureMalformedError
from peluit.httpsig.message import Message
from peluit.httpsig.verify import RequestVerifier
from peluit.keys.signing import parse_public_key
from peluit.stats.document import SignedStats
from peluit.stats.published import PublishedStats, StatsNotPublishedError
from peluit.store.port import ObjectStore

from . import errors, refusals
from .models import UploadOut, UploadPlanOut
from .public import quiet_powertools, readable_json, sends_json
from .resolver import OwnEventResolver
from .review_models import (
    AdditionOut,
    ApproveIn,
    CaseListItemOut,
    CaseObjectOut,
    CaseOut,
    CasePageOut,
    CaseSummaryOut,
    DenyIn,
    IdentityRequestIn,
    IdentityRequestOut,
    IdentityRequestsOut,
    MeOut,
    MessageIn,
    MessageOut,
    ObjectOut,
    ReadIn,
    RekeyIn,
    RekeyOut,
    ReplyUploadsIn,
    ReporterOut,
    StateOut,
    Status,
    StatusChangeIn,
    TagIn,
    ThreadEntryOut,
    ThreadOut,
)

PREFIX = "/api/v1/review"
CaseId = Annotated[str, Path(pattern=f"^{CASE_ID_PATTERN}$", description="case id")]
PersonId = Annotated[str, Path(pattern=f"^{ROSTER_ID_PATTERN}$", description="roster id")]
ChannelQuery = Annotated[str | None, Query(pattern=f"^{ROSTER_ID_PATTERN}$")]
StatusQuery = Annotated[Status | None, Query()]
CursorQuery = Annotated[str | None, Query(max_length=64)]
LimitQuery = Annotated[int, Query(ge=1, le=500)]  # core.review.PAGE_MAX
ObjectKeyQuery = Annotated[str, Query(max_length=200)]


class Services:
    """What the reviewer API is built on; `build` wires it from a configuration."""

    def __init__(
        self,
        review: ReviewService,
        identity: IdentityAccessService,
        verifier: RequestVerifier,
        nonces: NonceLedger,
        stats: PublishedStats | None = None,  # the published statistics (peluit stats publish)
    ) -> None:
        self.review = review
        self.identity = identity
        self.verifier = verifier
        self.nonces = nonces
        self.stats = stats
        self.rekey: RekeyService | None = None  # set by `build`

    @classmethod
    def build(cls, config: Config, store: ObjectStore, clock: Clock) -> Services:
        keys = {
            person.id: parse_public_key(person.signing_key)
            for person in config.people
            if person.signing_key is not None
        }

        def lookup(key_id: str) -> ed25519.Ed25519PublicKey | None:
            key = keys.get(key_id)
            if key is not None and key_id in revocation.revoked(store):  # each request: ADR 0045
                return None  # answered as a key off the roster
            return key

        view = AdmittingStore(store)  # every write of a request spends its nonce first
        services = cls(
            ReviewService(config, view, clock),
            IdentityAccessService(config, view, clock),
            RequestVerifier(lookup, clock),
            NonceLedger(store),
            PublishedStats(config, view, clock),
        )
        services.rekey = RekeyService(config, view, clock)
        return services


def request_message(event: Mapping[str, Any], origin: str | None) -> tuple[Message, bytes]:
    """The request as the client signed it: method, absolute URL and headers, and the body.

    The target URI is rebuilt from `origin` (the API's public origin, configured) or else
    from the host name API Gateway reports, never from a header the client controls."""
    context = event.get("requestContext") or {}
    method = str((context.get("http") or {}).get("method", ""))
    base = origin.rstrip("/") if origin else f"https://{context.get('domainName', '')}"
    query = str(event.get("rawQueryString") or "")
    url = base + str(event.get("rawPath") or "/") + (f"?{query}" if query else "")
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    raw = event.get("body") or ""
    body = base64.b64decode(raw) if event.get("isBase64Encoded") else str(raw).encode("utf-8")
    return Message(method, url, headers), body


class ReviewerResolver(OwnEventResolver):
    """A Powertools resolver that admits only signed requests."""

    def __init__(self, services: Services, origin: str | None) -> None:
        # debug=False: Powertools' debug mode prints every event.
        super().__init__(enable_validation=True, debug=False)
        self._services = services
        self.origin = origin  # settable: `peluit serve` knows its port only once bound

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            message, body = request_message(event, self.origin)
            verified = self._services.verifier.verify(message, body)
            self._services.nonces.check_unused(verified.key_id, verified.nonce)
        except (SignatureError, ReplayedRequestError) as exc:
            problem = errors.problem_for(exc) or errors.INTERNAL
            return errors.problem_result(problem, str(exc))
        except (ValueError, TypeError, AttributeError):  # an event we cannot even read
            malformed = errors.PROBLEMS[SignatureMalformedError]
            return errors.problem_result(malformed, "the request could not be read")
        except Exception as exc:  # noqa: BLE001 - the store failed: 500, the type logged only
            errors.log.error("unhandled %s before routing", type(exc).__name__)
            return errors.problem_result(errors.INTERNAL)
        if message.method.upper() == "POST" and not readable_json(body):
            # Powertools would fail decoding it (a 500): refused like the public API does.
            invalid = errors.PROBLEMS[RequestValidationError]
            return errors.problem_result(invalid, "the body is not valid JSON")
        if message.method.upper() == "POST" and not sends_json(event):
            return errors.problem_result(errors.PROBLEMS[RequestUnsupportedContentType])
        admission = Admission(self._services.nonces, verified.key_id, verified.nonce)
        self.context["actor"] = Actor(verified.key_id, admission)  # cleared after each request
        with admitting(admission):
            result = super().resolve(event, context)
        if int(result.get("statusCode", 500)) < 400 and not admission.spent:
            try:  # a request that wrote nothing: spent before its answer leaves
                admission()
            except ReplayedRequestError as exc:
                return errors.problem_result(errors.PROBLEMS[ReplayedRequestError], str(exc))
            except Exception as exc:  # noqa: BLE001 - the store failed: 500, the type logged only
                errors.log.error("unhandled %s admitting", type(exc).__name__)
                return errors.problem_result(errors.INTERNAL)
        return result

    def actor(self) -> Actor:
        return cast(Actor, self.context["actor"])

    def get_openapi_json_schema(self, *args: Any, **kwargs: Any) -> str:
        """Powertools' document, with the refusals this API sends (peluit/api/refusals.py)."""
        return refusals.documented(
            super().get_openapi_json_schema(*args, **kwargs), refusals.REVIEWER
        )


def _no_store(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
    response: Response[Any] = next_middleware(app)
    response.headers["Cache-Control"] = "no-store"
    return response


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type="application/json",
        body=body.model_dump_json(),
        headers=headers or {},
    )


def _case_out(view: CaseView) -> CaseOut:
    summary = CaseSummaryOut.of(view.case, view.state)
    return CaseOut(
        **summary.model_dump(),
        etag=view.etag,
        history=view.state.history,
        reply_recipient=view.reply_recipient,
        objects=[CaseObjectOut(key=o.key, size=o.size, url=o.url) for o in view.objects],
        identity_request=view.identity_request,
        thread=ThreadOut.of(view.thread),
        additions=[AdditionOut.of(a) for a in view.additions],
        messages=[ThreadEntryOut.of(m) for m in view.messages],
        reporter=ReporterOut.of(view.reporter),
        next_seq=view.next_seq,
    )


def build_reviewer_app(services: Services, origin: str | None = None) -> ReviewerResolver:
    """`origin`: the API's public origin (`https://review.example.go.id`) when it is served
    under another host name than API Gateway's (a custom domain or CloudFront)."""
    quiet_powertools()
    app = ReviewerResolver(services, origin)
    errors.install(app)
    app.use(middlewares=[_no_store])
    review, identity = services.review, services.identity

    @app.get(f"{PREFIX}/me", summary="Who the signing key belongs to, and their channels")
    def me() -> MeOut:
        view = review.me(app.actor())
        return MeOut(
            id=view.id,
            name=view.name,
            roles=list(view.roles),
            reviews=list(view.reviews),
            oversees=list(view.oversees),
            guards=list(view.guards),
        )

    @app.get(f"{PREFIX}/cases", summary="List cases (metadata only), newest first")
    def list_cases(
        channel: ChannelQuery = None,
        status: StatusQuery = None,
        cursor: CursorQuery = None,
        limit: LimitQuery = 50,
    ) -> CasePageOut:
        page = review.list_cases(app.actor(), channel, status, cursor, limit)
        return CasePageOut(
            cases=[CaseListItemOut.listed(c.case, c.state, c.thread) for c in page.cases],
            next_cursor=page.next_cursor,
        )

    @app.get(
        f"{PREFIX}/cases/<case>",
        summary="A case: state, etag and downloadable objects",
        responses=refusals.answer(
            200, CaseOut, "The case (its etag also in the ETag header)", etag=True
        ),
    )
    def get_case(case: CaseId) -> Response[str]:
        view = review.get_case(app.actor(), case)
        return _json(200, _case_out(view), {"ETag": view.etag})

    @app.get(f"{PREFIX}/cases/<case>/object", summary="One small object of a case, base64")
    def get_object(case: CaseId, key: ObjectKeyQuery) -> ObjectOut:
        data = review.read_object(app.actor(), case, key)
        return ObjectOut(key=key, data=base64.b64encode(data).decode("ascii"))

    @app.post(
        f"{PREFIX}/cases/<case>/status",
        summary="Change status (If-Match: etag)",
        responses=refusals.answer(200, StateOut, "The new state and its etag", etag=True),
    )
    def change_status(case: CaseId, body: StatusChangeIn) -> Response[str]:
        if_match = app.current_event.headers.get("if-match")
        state, etag = review.change_status(
            app.actor(), case, if_match, body.status, body.target, body.reason
        )
        summary = CaseSummaryOut.of(case, state)
        out = StateOut(**summary.model_dump(), etag=etag, history=state.history)
        return _json(200, out, {"ETag": etag})

    @app.post(
        f"{PREFIX}/cases/<case>/tags",
        summary="Set or clear a tag (uji: a test report)",
        responses=refusals.answer(200, StateOut, "The state and its etag", etag=True),
    )
    def set_tag(case: CaseId, body: TagIn) -> Response[str]:
        state, etag = review.set_tag(app.actor(), case, body.tag, body.present)
        summary = CaseSummaryOut.of(case, state)
        out = StateOut(**summary.model_dump(), etag=etag, history=state.history)
        return _json(200, out, {"ETag": etag})

    @app.post(
        f"{PREFIX}/cases/<case>/messages",
        summary="Write to the reporter (ciphertext)",
        responses=refusals.answer(201, MessageOut, "Stored: the message's key in the case"),
    )
    def post_message(case: CaseId, body: MessageIn) -> Response[str]:
        segments = [s.to_core() for s in body.segments]
        signed = body.signed.to_core() if body.signed is not None else None
        key = review.post_message(
            app.actor(), case, body.message, body.upload, segments, signed=signed
        )
        return _json(201, MessageOut(key=key))

    @app.post(
        f"{PREFIX}/cases/<case>/uploads",
        summary="Plan uploads of files attached to a message to the reporter",
    )
    def plan_reply_uploads(case: CaseId, body: ReplyUploadsIn) -> UploadPlanOut:
        segments = [s.to_core() for s in body.segments]
        tickets = review.plan_reply_uploads(app.actor(), case, body.upload, segments)
        return UploadPlanOut(
            uploads=[
                UploadOut(file=s.file, index=s.index, url=t.url, method=t.method, headers=t.headers)
                for s, t in zip(segments, tickets, strict=True)
            ]
        )

    @app.post(
        f"{PREFIX}/cases/<case>/rekey",
        summary="Store a case file's key re-wrapped for the current roster (a rekey record)",
        responses=refusals.answer(201, RekeyOut, "Stored (or already stored): its key"),
    )
    def store_rekey(case: CaseId, body: RekeyIn) -> Response[str]:
        if services.rekey is None:
            raise NotPermittedError("rekeying is not available here")
        return _json(201, RekeyOut(key=services.rekey.store_record(app.actor(), case, body.record)))

    @app.post(f"{PREFIX}/cases/<case>/read", summary="Mark the thread as seen up to a message")
    def mark_read(case: CaseId, body: ReadIn) -> ThreadOut:
        return ThreadOut.of(review.mark_read(app.actor(), case, body.seq))

    @app.post(
        f"{PREFIX}/cases/<case>/identity-requests",
        summary="Ask to see the identity",
        responses=refusals.answer(201, IdentityRequestOut, "The request, pending"),
    )
    def request_identity(case: CaseId, body: IdentityRequestIn) -> Response[str]:
        request = identity.request(app.actor(), case, body.reason, body.signed())
        return _json(201, IdentityRequestOut.of(request))

    @app.get(f"{PREFIX}/identity-requests", summary="Identity requests you may see")
    def list_requests(
        channel: ChannelQuery = None,
        status: Annotated[str | None, Query(pattern=r"^(pending|approved|denied)$")] = None,
    ) -> IdentityRequestsOut:
        found = identity.list_requests(app.actor(), channel, status)
        return IdentityRequestsOut(requests=[IdentityRequestOut.of(r) for r in found])

    @app.post(
        f"{PREFIX}/cases/<case>/identity-requests/<reviewer>/approve",
        summary="Approve: store the identity re-encrypted to the requester",
    )
    def approve(case: CaseId, reviewer: PersonId, body: ApproveIn) -> IdentityRequestOut:
        return IdentityRequestOut.of(identity.approve(app.actor(), case, reviewer, body.grant))

    @app.post(
        f"{PREFIX}/cases/<case>/identity-requests/<reviewer>/deny",
        summary="Deny, with an encrypted reason",
    )
    def deny(case: CaseId, reviewer: PersonId, body: DenyIn) -> IdentityRequestOut:
        return IdentityRequestOut.of(identity.deny(app.actor(), case, reviewer, body.reason))

    @app.post(
        f"{PREFIX}/stats",
        summary="Publish statistics the site shows (signed by the sender; counts under 5 as <5)",
    )
    def publish_stats(body: SignedStats) -> SignedStats:
        if services.stats is None:
            raise StatsNotPublishedError("this server does not keep published statistics")
        return services.stats.publish(app.actor().id, body)

    return app
