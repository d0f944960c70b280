"""The public API as Lambda runs it: API Gateway HTTP API (v2) events into the Powertools
resolver, a memory store behind it. Every bad input is a 4xx with a stable code, nothing
bad is stored, and nothing about the request reaches a log."""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.parser.models import APIGatewayProxyEventV2Model
from aws_lambda_powertools.utilities.typing import LambdaContext
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from peluit import age
from peluit.api.public import PublicServices, build_public_app
from tests.support import agefiles
from tests.support.factory import EncryptedSegment, Team, make_team, reply_recipient, submission_id
from tests.support.fakes import FixedClock, MemoryStore
from tests.support.pow import pow_query

pytestmark = pytest.mark.functional

EVENT_FILE = Path(__file__).resolve().parents[1] / "events" / "http_api_v2_post.json"
SOURCE_IP = "203.0.113.7"
KiB = 1024


@functools.cache
def recorded_event() -> dict[str, Any]:
    event: dict[str, Any] = json.loads(EVENT_FILE.read_text(encoding="utf-8"))
    return event


def make_event(
    path: str, body: str | None, method: str = "POST", query: str = ""
) -> dict[str, Any]:
    """The recorded event with only the path, the query, the method and the body changed."""
    event = copy.deepcopy(recorded_event())
    event["rawPath"] = path
    event["rawQueryString"] = query
    event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    event["body"] = body
    return event


def lambda_context() -> LambdaContext:
    context = LambdaContext()
    context._function_name = "peluit-public"
    context._aws_request_id = "6f1c8a52-1d0e-4b8e-9d5c-2a7f3e9b0c41"
    return context


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


def plan_path(submission: str) -> str:
    return f"/api/v1/submissions/{submission}/uploads"


def finalize_path(submission: str) -> str:
    return f"/api/v1/submissions/{submission}/finalize"


class Api:
    """The app over a memory store. A plain class: Hypothesis pretty-prints dataclasses field
    by field, and keys and ciphertext would fill a failure report."""

    def __init__(
        self,
        team: Team,
        store: MemoryStore,
        clock: FixedClock,
        app: APIGatewayHttpResolver,
        report: bytes,
    ) -> None:
        self.team = team
        self.store = store
        self.clock = clock
        self.app = app
        self.report = report

    def __repr__(self) -> str:
        return f"Api(<{len(self.store.objects)} stored objects>)"

    def call(self, path: str, body: object, method: str = "POST", pow: bool = True) -> Reply:
        """Send `body` (JSON-encoded unless it is already a str or None) to `path`, with a
        proof of work unless `pow` is false."""
        text = body if body is None or isinstance(body, str) else json.dumps(body)
        bits = self.team.config.limits.pow_bits
        query = pow_query(path, (text or "").encode(), bits, self.clock()) if pow else ""
        result = self.app.resolve(make_event(path, text, method, query), lambda_context())
        raw = result.get("body") or ""
        if result.get("isBase64Encoded"):
            raw = base64.b64decode(raw).decode()
        headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
        return Reply(int(result["statusCode"]), headers, json.loads(raw) if raw else None)

    def finalize_body(self, **changes: object) -> dict[str, object]:
        body: dict[str, object] = {
            "channel": "pengaduan",
            "report": base64.b64encode(self.report).decode(),
            "lookup_hash": os.urandom(32).hex(),
            "reply_recipient": reply_recipient(),
        }
        body.update(changes)
        return body


def segment_json(part: EncryptedSegment) -> dict[str, object]:
    s = part.segment
    return {"file": s.file, "index": s.index, "size": s.size, "sha256": s.sha256.hex()}


@pytest.fixture(scope="module")
def team() -> Team:
    return make_team()


@pytest.fixture(scope="module")
def report(team: Team) -> bytes:
    return team.report("pengaduan", {"what": "Pungutan liar di kantor kecamatan."})


@pytest.fixture(scope="module")
def two_files(team: Team) -> list[EncryptedSegment]:
    return team.attachment("pengaduan", 0, os.urandom(64 * KiB + 10)) + team.attachment(
        "pengaduan", 1, os.urandom(70 * KiB)
    )


def make_api(team: Team, report: bytes) -> Api:
    clock = FixedClock()
    store = MemoryStore(clock)
    app = build_public_app(PublicServices.build(team.config, store, clock, floor=0))
    return Api(team, store, clock, app, report)


@pytest.fixture
def api(team: Team, report: bytes, monkeypatch: pytest.MonkeyPatch) -> Api:
    for variable in ("POWERTOOLS_DEV", "POWERTOOLS_DEBUG", "POWERTOOLS_EVENT_HANDLER_DEBUG"):
        monkeypatch.delenv(variable, raising=False)
    return make_api(team, report)


def assert_problem(reply: Reply, status: int, code: str) -> None:
    assert reply.status == status, reply.body
    assert isinstance(reply.body, dict)
    assert set(reply.body) == {"error"}
    error = reply.body["error"]
    assert error["code"] == code
    assert set(error) <= {"code", "message", "detail"}
    assert set(error["message"]) == {"id", "en"}
    assert all(isinstance(v, str) and v for v in error["message"].values())
    assert reply.headers.get("Cache-Control") == "no-store"
    assert reply.headers.get("Content-Type", "").startswith("application/json")


# -- the happy path ---------------------------------------------------------------------------


def test_recorded_event_is_an_http_api_v2_post(api: Api) -> None:
    """The event every test here is made from, as Powertools reads it rather than as we wrote it:
    its schema of an API Gateway HTTP API (payload 2.0) event, and the app's resolver taking the
    route, the query (the proof of work) and the body from it, up to the body's validation."""
    path = finalize_path(submission_id())
    parsed = APIGatewayProxyEventV2Model.model_validate(make_event(path, "{}"))
    http = parsed.requestContext.http
    assert (parsed.version, http.method, parsed.rawPath, http.path) == ("2.0", "POST", path, path)
    assert str(http.sourceIp).removesuffix("/32") == SOURCE_IP

    reply = api.call(path, {})
    assert_problem(reply, 400, "invalid_request")
    assert reply.body["error"]["detail"] == (
        "invalid fields: channel, lookup_hash, reply_recipient, report"
    )


def test_plan_then_upload_then_finalize(api: Api, two_files: list[EncryptedSegment]) -> None:
    submission = submission_id()
    plan = api.call(
        plan_path(submission),
        {"channel": "pengaduan", "segments": [segment_json(p) for p in two_files]},
    )
    assert plan.status == 200, plan.body
    assert set(plan.body) == {"uploads"}
    uploads = plan.body["uploads"]
    assert [(u["file"], u["index"]) for u in uploads] == [
        (p.segment.file, p.segment.index) for p in two_files
    ]
    for upload, part in zip(uploads, two_files, strict=True):
        assert set(upload) == {"file", "index", "url", "method", "headers"}
        assert upload["method"] == "PUT"
        assert isinstance(upload["headers"], dict)
        api.store.upload(upload["url"], part.data)

    body = api.finalize_body(segments=[segment_json(p) for p in two_files])
    done = api.call(finalize_path(submission), body)
    assert done.status == 200, done.body
    assert set(done.body) == {"case", "acknowledged_on"}
    assert done.headers["Content-Type"].startswith("application/json")
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", done.body["case"])
    assert done.body["acknowledged_on"] == "2025-03-03"
    case = done.body["case"].replace("-", "").lower()
    assert api.store.objects[f"cases/{case}/report.age"] == api.report
    assert len(api.store.keys(f"cases/{case}/files/")) == 4


def test_finalize_twice_answers_the_same_receipt(api: Api) -> None:
    submission = submission_id()
    body = api.finalize_body()
    first = api.call(finalize_path(submission), body)
    stored = api.store.snapshot()
    second = api.call(finalize_path(submission), body)
    assert first.status == second.status == 200
    assert first.body == second.body
    assert api.store.objects == stored


def test_finalize_accepts_an_explicit_null_identity(api: Api) -> None:
    reply = api.call(finalize_path(submission_id()), api.finalize_body(identity=None))
    assert reply.status == 200, reply.body


def test_finalize_with_identity_block(api: Api) -> None:
    identity = api.team.identity_block("pengaduan")
    body = api.finalize_body(identity=base64.b64encode(identity).decode())
    reply = api.call(finalize_path(submission_id()), body)
    assert reply.status == 200, reply.body
    case = reply.body["case"].replace("-", "").lower()
    stored = api.store.objects[f"cases/{case}/identity.age"]
    assert age.decrypt(stored, [api.team.identity("agus")]) == age.decrypt(
        identity, [api.team.identity("agus")]
    )


# -- refusals ---------------------------------------------------------------------------------

Body = Callable[[Api], object]
VALID_ID = "0123456789abcdef0123456789abcdef"


def plan_body(**changes: object) -> Body:
    def build(api: Api) -> object:
        size = age.hybrid_file_size(3, 1000)
        body: dict[str, object] = {
            "channel": "pengaduan",
            "segments": [{"file": 0, "index": 0, "size": size, "sha256": "ab" * 32}],
        }
        body.update(changes)
        return body

    return build


def fin_body(**changes: object) -> Body:
    return lambda api: api.finalize_body(**changes)


def raw(text: str | None) -> Body:
    return lambda api: text


def seg(**changes: object) -> list[dict[str, object]]:
    segment: dict[str, object] = {
        "file": 0,
        "index": 0,
        "size": age.hybrid_file_size(3, 1000),
        "sha256": "ab" * 32,
    }
    segment.update(changes)
    return [segment]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def x25519_report() -> str:
    return b64(age.encrypt(b"{}", [age.X25519Identity.generate().recipient()]))


PLAN, FINALIZE = plan_path(VALID_ID), finalize_path(VALID_ID)
INVALID = (400, "invalid_request")

REFUSALS: list[Any] = [
    pytest.param(PLAN, raw("{"), *INVALID, id="plan-malformed-json"),
    pytest.param(FINALIZE, raw('{"channel": "pengaduan",'), *INVALID, id="fin-malformed-json"),
    pytest.param(FINALIZE, raw(""), *INVALID, id="empty-body"),
    pytest.param(FINALIZE, raw(None), *INVALID, id="no-body"),
    pytest.param(FINALIZE, raw("[]"), *INVALID, id="json-array"),
    pytest.param(FINALIZE, raw("null"), *INVALID, id="json-null"),
    pytest.param(FINALIZE, raw("{}"), *INVALID, id="empty-object"),
    pytest.param(FINALIZE, fin_body(channel=5), *INVALID, id="channel-int"),
    pytest.param(FINALIZE, fin_body(report=12345), *INVALID, id="report-int"),
    pytest.param(FINALIZE, fin_body(segments="x"), *INVALID, id="segments-str"),
    pytest.param(FINALIZE, fin_body(segments=seg(size="big")), *INVALID, id="size-str"),
    pytest.param(FINALIZE, fin_body(segments=seg(file=-1)), *INVALID, id="file-negative"),
    pytest.param(FINALIZE, fin_body(reply_recipient=["age1pq1"]), *INVALID, id="reply-list"),
    pytest.param(FINALIZE, fin_body(debug=True), *INVALID, id="fin-extra-field"),
    pytest.param(PLAN, plan_body(note="x"), *INVALID, id="plan-extra-field"),
    pytest.param(PLAN, plan_body(segments=seg(extra=1)), *INVALID, id="segment-extra-field"),
    pytest.param(FINALIZE, fin_body(report="not base64!"), *INVALID, id="bad-base64"),
    pytest.param(FINALIZE, fin_body(report="YWJ"), *INVALID, id="base64-bad-padding"),
    pytest.param(FINALIZE, fin_body(identity="%%%"), *INVALID, id="identity-bad-base64"),
    pytest.param(FINALIZE, fin_body(lookup_hash="a" * 63), *INVALID, id="lookup-63-hex"),
    pytest.param(FINALIZE, fin_body(lookup_hash="a" * 65), *INVALID, id="lookup-65-hex"),
    pytest.param(FINALIZE, fin_body(lookup_hash="g" * 64), *INVALID, id="lookup-not-hex"),
    pytest.param(PLAN, plan_body(segments=seg(sha256="a" * 63)), *INVALID, id="sha-63-hex"),
    pytest.param(PLAN, plan_body(segments=[]), *INVALID, id="plan-no-segments"),
    pytest.param(PLAN, plan_body(channel="Pengaduan"), *INVALID, id="channel-pattern"),
    pytest.param(plan_path("0" * 31), plan_body(), *INVALID, id="plan-id-31-hex"),
    pytest.param(finalize_path("A" * 32), fin_body(), *INVALID, id="fin-id-upper"),
    pytest.param(finalize_path("z" * 32), fin_body(), *INVALID, id="fin-id-not-hex"),
    pytest.param(finalize_path(".."), fin_body(), *INVALID, id="fin-id-dotdot"),
    pytest.param(PLAN, plan_body(channel="zakat"), 404, "unknown_channel", id="plan-channel"),
    pytest.param(FINALIZE, fin_body(channel="zakat"), 404, "unknown_channel", id="fin-channel"),
    pytest.param(FINALIZE, fin_body(report=b64(b"laporan")), 400, "not_ciphertext", id="not-age"),
    pytest.param(FINALIZE, fin_body(report=""), 400, "not_ciphertext", id="report-empty"),
    pytest.param(
        FINALIZE,
        lambda api: api.finalize_body(report=b64(api.team.report("gratifikasi"))),
        400,
        "wrong_recipients",
        id="wrong-recipient-count",
    ),
    pytest.param(
        FINALIZE,
        lambda api: api.finalize_body(report=x25519_report()),
        400,
        "wrong_recipients",
        id="x25519-report",
    ),
    pytest.param(
        FINALIZE,
        lambda api: api.finalize_body(
            channel="gratifikasi", report=b64(api.team.report("gratifikasi"))
        ),
        400,
        "identity_block",
        id="identity-missing",
    ),
    pytest.param(
        FINALIZE,
        lambda api: api.finalize_body(
            reply_recipient=age.X25519Identity.generate().recipient().encode()
        ),
        400,
        "invalid_reply_key",
        id="classic-reply-key",
    ),
    pytest.param(FINALIZE, fin_body(segments=seg()), 409, "segment_missing", id="segment-missing"),
    pytest.param(
        FINALIZE, fin_body(segments=seg(file=1)), 400, "invalid_upload_plan", id="file-gap"
    ),
    pytest.param(
        PLAN, plan_body(segments=seg(size=100)), 400, "invalid_upload_plan", id="impossible-size"
    ),
    pytest.param(PLAN, plan_body(segments=seg(file=3)), 413, "limit_exceeded", id="4th-file"),
    pytest.param(
        PLAN,
        plan_body(segments=seg(size=age.hybrid_file_size(3, 64 * KiB + 1))),
        413,
        "limit_exceeded",
        id="segment-too-big",
    ),
]


@pytest.mark.parametrize(("path", "body", "status", "code"), REFUSALS)
def test_bad_input_is_a_4xx_with_a_stable_code_and_stores_nothing(
    api: Api, path: str, body: Body, status: int, code: str
) -> None:
    before = api.store.snapshot()
    reply = api.call(path, body(api))
    assert_problem(reply, status, code)
    assert api.store.objects == before


def test_handled_error_is_rendered_as_json_not_raised(api: Api) -> None:
    """The smallest case of the bug: a malformed body."""
    reply = api.call(PLAN, "{")
    assert reply.status == 400


def test_same_submission_with_other_content_is_a_409_conflict(api: Api) -> None:
    submission = submission_id()
    assert api.call(finalize_path(submission), api.finalize_body()).status == 200
    before = api.store.snapshot()
    other = api.finalize_body(report=b64(api.team.report("pengaduan", {"what": "lain"})))
    assert_problem(api.call(finalize_path(submission), other), 409, "submission_conflict")
    assert api.store.objects == before


def test_unknown_route_is_a_404_not_found(api: Api) -> None:
    assert_problem(api.call("/api/v1/nothing", "{}"), 404, "not_found")
    assert_problem(api.call(f"/api/v1/submissions/{VALID_ID}/delete", "{}"), 404, "not_found")


def test_wrong_method_on_a_known_route_is_a_404(api: Api) -> None:
    assert_problem(api.call(FINALIZE, None, method="GET"), 404, "not_found")


class ExplodingStore(MemoryStore):
    def put_new(self, key: str, data: bytes) -> Any:
        raise RuntimeError(f"disk on fire near {SOURCE_IP}")


def test_server_fault_is_a_500_that_logs_only_the_error_type(
    team: Team, report: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FixedClock()
    store = ExplodingStore(clock)
    app = build_public_app(PublicServices.build(team.config, store, clock, floor=0))
    api = Api(team, store, clock, app, report)
    caplog.set_level(logging.DEBUG)
    reply = api.call(finalize_path(submission_id()), api.finalize_body())
    assert_problem(reply, 500, "internal_error")
    assert "RuntimeError" in caplog.text
    assert "disk on fire" not in caplog.text
    assert "detail" not in reply.body["error"]


# -- bugs in what an error says -----------------------------------------------------------------


def test_unknown_field_name_is_not_echoed(api: Api) -> None:
    reply = api.call(FINALIZE, api.finalize_body(zz_secret_marker=1))
    assert reply.status == 400
    assert "zz_secret_marker" not in json.dumps(reply.body)


def test_stanza_types_of_a_hostile_report_are_not_echoed(api: Api) -> None:
    hostile = agefiles.age_file(agefiles.stanza(b"zz-secret-marker arg", b"AAAA"), b"{}")
    reply = api.call(FINALIZE, api.finalize_body(report=b64(hostile)))
    assert reply.status == 400
    assert "zz-secret-marker" not in json.dumps(reply.body)


def test_odd_unknown_field_names_are_not_echoed(api: Api) -> None:
    reply = api.call(FINALIZE, api.finalize_body(**{"<b>Hi</b>": 1, "Name With Spaces": 2}))
    assert_problem(reply, 400, "invalid_request")
    assert "Hi" not in json.dumps(reply.body)
    assert "Spaces" not in json.dumps(reply.body)


def test_empty_body_detail_is_not_a_dangling_list(api: Api) -> None:
    reply = api.call(FINALIZE, "")
    assert_problem(reply, 400, "invalid_request")
    assert not reply.body["error"].get("detail", "").endswith(": ")


def test_hash_with_spaces_is_an_invalid_request(api: Api) -> None:
    reply = api.call(FINALIZE, api.finalize_body(lookup_hash="  " + "00" * 31))
    assert_problem(reply, 400, "invalid_request")


# -- random bodies ------------------------------------------------------------------------------

JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


class Variants:
    """Well-typed values for each field of a finalize body: the valid one first, then near
    misses that only the core can refuse. (Not a dataclass, for the same reason as `Api`.)"""

    def __init__(self, fields: dict[str, list[object]]) -> None:
        self.fields = fields

    def __repr__(self) -> str:
        return "Variants(...)"


@pytest.fixture(scope="module")
def variants(team: Team, report: bytes) -> Variants:
    valid = b64(report)
    return Variants(
        {
            "channel": ["pengaduan", "gratifikasi", "pelayanan", "zakat", "", "Pengaduan"],
            "report": [
                valid,
                b64(team.report("gratifikasi")),
                x25519_report(),
                b64(b"laporan"),
                b64(report[:3000]),
                b64(report[: age.hybrid_header_size(3) + 20]),
                "",
                "====",
            ],
            "identity": [None, b64(team.identity_block("pengaduan")), valid, "AAAA", ""],
            "segments": [
                [],
                seg(),
                seg(file=1),
                seg(index=4),
                seg(file=3),
                seg(size=100),
                seg(sha256="a" * 63),
                seg() + seg(),
            ],
            # no valid value here: a lookup hash shared by two submissions is the known
            # bug of test_submission.py::test_reused_lookup_hash_is_refused_without_writing
            "lookup_hash": ["a" * 63, "  " + "00" * 31, "g" * 64, "", 7],
            "reply_recipient": [
                reply_recipient(),
                age.X25519Identity.generate().recipient().encode(),
                "age1pq1",
                "",
            ],
        }
    )


@st.composite
def finalize_bodies(draw: st.DrawFn, variants: Variants, submission: str) -> str:
    """A valid body with up to three fields deleted or changed, sometimes not even JSON."""
    body: dict[str, object] = {
        name: values[0] for name, values in variants.fields.items() if values[0] is not None
    }
    body["lookup_hash"] = hashlib.sha256(submission.encode()).hexdigest()  # one per submission
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(sorted(variants.fields)))
        action = draw(st.sampled_from(["variant"] * 4 + ["jsonish", "delete", "extra"]))
        if action == "delete":
            body.pop(name, None)
        elif action == "jsonish":
            body[name] = draw(JSONISH)
        elif action == "extra":
            body[draw(st.text(max_size=10))] = draw(JSONISH)
        else:
            body[name] = draw(st.sampled_from(variants.fields[name]))
    text = json.dumps(body)
    shape = draw(st.sampled_from(["object"] * 9 + ["truncated", "text", "other-json"]))
    if shape == "truncated":
        return text[: draw(st.integers(0, len(text) - 1))]
    if shape == "text":
        return draw(st.text(max_size=40))
    if shape == "other-json":
        return json.dumps(draw(JSONISH))
    return text


SUBMISSIONS = st.binary(min_size=16, max_size=16).map(bytes.hex) | st.sampled_from(
    [VALID_ID, VALID_ID, "f" * 32, "f" * 32, "0" * 31, "F" * 32, "xyz"]
)


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    # no shrinking: a failure shows its (JSON-ish, readable) body as drawn, in a second or two
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_finalize_bodies_never_cause_a_5xx_or_a_stray_write(
    api: Api, variants: Variants, data: st.DataObject
) -> None:
    submission = data.draw(SUBMISSIONS, label="submission")
    body = data.draw(finalize_bodies(variants, submission), label="body")
    before = api.store.snapshot()
    reply = api.call(finalize_path(submission), body)
    assert reply.status < 500
    if reply.status >= 400:
        assert api.store.objects == before
        assert reply.body["error"]["code"]
    else:
        assert set(reply.body) == {"case", "acknowledged_on"}


# -- nothing about the reporter is logged -----------------------------------------------------


@dataclass(frozen=True)
class Request:
    path: str
    body: str


CONFESSION = "Bupati menerima suap proyek jalan Muara Bulian"


def request_for(kind: str, api: Api) -> Request:
    if kind == "success":
        body = api.finalize_body()
    elif kind == "unknown-route":
        return Request("/api/v1/nothing", json.dumps(api.finalize_body()))
    elif kind == "not-ciphertext":
        body = api.finalize_body(report=b64(CONFESSION.encode()))
    else:
        body = api.finalize_body(lookup_hash="a" * 63)
    return Request(finalize_path(submission_id()), json.dumps(body))


def leaks(text: str, request: Request) -> list[str]:
    body = json.loads(request.body)
    user_agent = recorded_event()["requestContext"]["http"]["userAgent"]
    needles = {
        "source ip": SOURCE_IP,
        "user agent": user_agent,
        "user agent model": "SM-A145F",
        "body": request.body,
        "report": str(body["report"])[:64],
        "reply key": str(body["reply_recipient"])[:64],
        "lookup hash": str(body["lookup_hash"]),
        "secret text": CONFESSION,
    }
    return [name for name, needle in needles.items() if needle and needle in text]


@pytest.mark.parametrize(
    "kind",
    [
        "success",
        "unknown-route",
        "not-ciphertext",
        "invalid-request",
    ],
)
def test_request_is_never_logged(
    api: Api, kind: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    # Powertools' package logger does not propagate to the root: listen to it directly.
    powertools = logging.getLogger("aws_lambda_powertools")
    caplog.set_level(logging.DEBUG, logger=powertools.name)
    powertools.addHandler(caplog.handler)
    try:
        request = request_for(kind, api)
        reply = api.call(request.path, request.body)
    finally:
        powertools.removeHandler(caplog.handler)
    assert reply.status < 500
    out, err = capsys.readouterr()
    records = "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in caplog.records)
    for where, text in (("log", caplog.text + records), ("stdout", out), ("stderr", err)):
        assert leaks(text, request) == [], f"request data in {where}"


def test_debug_environment_does_not_make_the_app_print_requests(
    team: Team,
    report: bytes,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("POWERTOOLS_DEV", "true")
    api = make_api(team, report)  # debug=False wins over the environment, silently
    request = request_for("success", api)
    assert api.call(request.path, request.body).status == 200
    out, err = capsys.readouterr()
    assert leaks(out + err, request) == []


# -- the OpenAPI document ----------------------------------------------------------------------


def test_openapi_document_describes_both_operations(api: Api) -> None:
    document = json.loads(api.app.get_openapi_json_schema())
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for operation in ("uploads", "finalize"):
        path = f"/api/v1/submissions/{{submission}}/{operation}"
        assert path in paths
        post = paths[path]["post"]
        assert "requestBody" in post
        (parameter,) = post["parameters"]
        assert parameter["name"] == "submission"
        assert parameter["in"] == "path"
    schemas = document["components"]["schemas"]
    assert {"UploadPlanIn", "FinalizeIn", "SegmentIn"} <= set(schemas)
    assert schemas["FinalizeIn"]["additionalProperties"] is False


@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfe{not utf-8}", b"[" * 100_000 + b"]" * 100_000],
    ids=["not-utf-8", "nested-100000-deep"],
)
def test_a_body_python_cannot_read_is_a_400_not_a_500(api: Api, raw: bytes) -> None:
    before = api.store.snapshot()
    path = finalize_path(submission_id())
    query = pow_query(path, raw, api.team.config.limits.pow_bits, api.clock())
    event = make_event(path, base64.b64encode(raw).decode(), query=query)
    event["isBase64Encoded"] = True
    result = api.app.resolve(event, lambda_context())
    assert result["statusCode"] == 400
    assert json.loads(result["body"])["error"]["code"] == "invalid_request"
    assert api.store.snapshot() == before
