"""The policy tier: would AWS allow what the functions do, and refuse what they must never do?

moto ignores IAM, bucket policies, KMS key policies and the conditions of presigned URLs: every
call succeeds there whatever `infra/peluit.yaml` says. Here the real flows run against moto
with both functions' S3 clients recorded (tests/support/s3calls.py), and every recorded call,
with the KMS use S3 makes on the caller's behalf, is evaluated against the template's rendered
role policies, bucket policies and key policy by the pinned offline simulator
(tests/support/policies.py, js/tools/policy-sim.mjs): all must be Allowed. A table of calls
that must be refused is evaluated the same way: all must be denied, explicitly where the
template means a Deny to stand whatever a role is granted. docs/testing.md.
"""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from moto import mock_aws

from peluit.review import compose
from peluit.review.desk import ReviewDesk
from peluit.review.rekey import rekey_case
from peluit.review.transport import HttpRequest
from peluit.stats import publish
from peluit.stats.collect import rules
from peluit.stats.compute import Period, compute
from peluit.stats.document import SignedStats
from peluit.stats.signature import sign
from peluit.store.s3 import make_s3_client
from tests.support import policies
from tests.support.followup import PUBLIC, manifest_entries, segment_json
from tests.support.policies import (
    CASE_BUCKET,
    KEY_ARN,
    PARTITION,
    STAGING_BUCKET,
    Decision,
    IamRequest,
    Rendered,
)
from tests.support.review import (
    ReviewTeam,
    http_event,
    lambda_context,
    make_review_team,
    response_of,
)
from tests.support.s3calls import S3Call, iam_requests, s3_context
from tests.support.s3world import S3World, create_buckets

pytestmark = [pytest.mark.functional, pytest.mark.policy]

KiB = 1024
CASE = "cases/8f3a2b1c4d5e6f70"
OTHER_KEY = f"arn:{PARTITION}:kms:{policies.REGION}:{policies.ACCOUNT}:key/other-0000-0000"


@dataclass(frozen=True)
class Recording:
    rendered: Rendered
    calls: list[S3Call]
    decisions: list[Decision]


@pytest.fixture(scope="module")
def review_team() -> ReviewTeam:
    return make_review_team()


@pytest.fixture(scope="module")
def aws_env() -> Iterator[None]:
    """moto with fake credentials and none of this machine's AWS settings."""
    with pytest.MonkeyPatch.context() as env:
        for name in list(os.environ):
            if name.startswith(("AWS_", "POWERTOOLS_")):
                env.delenv(name)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_CONFIG_FILE", os.devnull)
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        with mock_aws():
            yield


def run_flows(world: S3World) -> None:
    """A representative day of the deployment, through the same helpers as the functional
    tests: each step checks its answer, so a flow that stops working cannot pass unseen."""
    config = world.config
    # A reporter files a report with a two-segment attachment (presigned PUTs, finalize).
    filed = world.file(attachment=os.urandom(70 * KiB))
    assert world.status(filed).status == 200

    # The team: list, read, download by presigned URL, reply, tag, change status (If-Match).
    rina = world.client("rina")
    assert filed.case in [c.case for c in rina.list_cases().cases]
    view = rina.get_case(filed.case)
    assert rina.read_object(filed.case, "report.age")
    segment = next(o for o in view.objects if o.key == "files/00/00000.age")
    assert rina.download(filed.case, segment)
    reply = compose.message(config, view.channel, str(view.reply_recipient), "Ada fotonya?")
    rina.post_message(filed.case, reply)
    # A reply with a file attached: presigned PUTs to staging, then the post copies it in.
    with tempfile.TemporaryDirectory() as folder:
        form = Path(folder, "formulir.pdf")
        form.write_bytes(os.urandom(3 * KiB))
        desk = ReviewDesk(config, world.review_team.key("rina"), rina, clock=world.clock)
        desk.reply(filed.case, "Isi formulir ini.", [form])
    rina.set_tag(filed.case, "uji")
    etag = rina.get_case(filed.case).etag
    reason = compose.status_reason(config, "pengaduan", "Laporan lengkap.")
    rina.change_status(filed.case, etag, "diverifikasi", reason)

    # The reporter follows up: reads the reply, writes back, adds evidence later.
    answer = world.status(filed)
    assert answer.status == 200
    assert len(answer.body["messages"]) == 2
    [stored] = world.store.keys(f"cases/{filed.case}/replies/")
    upload = stored.split("/")[3]
    chunk = world.post(
        "/api/v1/followup/files",
        {"token": filed.token, "upload": upload, "file": 0, "segment": 0, "offset": 0},
    )
    assert chunk.status == 200, chunk.body
    assert base64.b64decode(chunk.body["data"]) == world.store.objects[stored]
    assert world.message(filed, world.say(filed, "Ini fotonya.")).status == 200
    upload = os.urandom(16).hex()
    segments = world.stage(filed, upload, [os.urandom(10 * KiB)])
    manifest = world.say(filed, "Bukti baru", manifest_entries(segments, ["foto.jpg"]))
    assert world.evidence(filed, upload, manifest, segments).status == 200
    assert rina.mark_read(filed.case, 4).unread == 0
    # Evidence whose segment never arrived: refused after S3 answers 404 (not 403) for it.
    lost_upload = os.urandom(16).hex()
    parts = world.review_team.team.attachment("pengaduan", 0, os.urandom(KiB))
    lost = [p.segment for p in parts]
    plan = world.post(
        f"/api/v1/submissions/{lost_upload}/uploads",
        {"channel": "pengaduan", "segments": [segment_json(s) for s in lost]},
    )
    assert plan.status == 200, plan.body
    manifest = world.say(filed, "Hilang", manifest_entries(lost, ["hilang.jpg"]))
    answer = world.evidence(filed, lost_upload, manifest, lost)
    assert (answer.status, answer.body["error"]["code"]) == (409, "segment_missing")

    # The reporter's identity: a reviewer asks, a custodian reads the block and grants.
    case = world.submit("pengaduan", identity=True)
    sari = world.client("sari")
    rina.request_identity(case, compose.access_reason(config, "pengaduan", "Saksi."))
    assert [r.case for r in sari.list_identity_requests(status="pending").requests] == [case]
    block = sari.read_object(case, "identity.age")
    sari.approve_identity(
        case,
        "rina",
        compose.grant(config, "rina", compose.open_file(world.review_team.key("sari"), block)),
    )
    assert rina.read_object(case, "identity-grants/rina.age")

    # A roster change: rina gives the first case to the current roster (rekey records, created
    # once each). Every request above also read the revocation list (ADR 0045).
    rekeyed = rekey_case(config, world.review_team.key("rina"), rina, filed.case)
    assert "report.age" in rekeyed.stored

    # Statistics (ADRs 0041, 0055): rina publishes a signed document of a whole past month twice
    # (the second replaces the first), and the site's page reads it through the public API.
    february = Period(date(2025, 2, 1), date(2025, 2, 28))  # the world's clock: 3 March 2025
    stats = compute([], rules(config, ["pengaduan"]), february, world.clock().date())
    doc = publish.document(config, stats, "rina", ["pengaduan"])
    signed = sign(doc, world.review_team.key("rina"))
    for _ in range(2):
        rina.call("POST", "/stats", body=signed.model_dump(mode="json"))
    get = HttpRequest("GET", PUBLIC + "/api/v1/stats", {}, b"")
    shown = response_of(world.public.resolve(http_event(get), lambda_context()))
    assert (shown.status, SignedStats.model_validate_json(shown.body)) == (200, signed)


@pytest.fixture(scope="module")
def recording(aws_env: None, review_team: ReviewTeam) -> Recording:
    rendered = policies.render()
    create_buckets(make_s3_client(policies.REGION), CASE_BUCKET, STAGING_BUCKET)
    world = S3World(review_team, CASE_BUCKET, STAGING_BUCKET)
    run_flows(world)
    calls = list(world.recorder.calls)
    return Recording(rendered, calls, policies.evaluate(rendered, iam_requests(rendered, calls)))


# -- everything the functions do is allowed ---------------------------------------------------


def test_every_call_the_functions_and_their_presigned_urls_make_is_allowed(
    recording: Recording,
) -> None:
    counts = policies.tally(recording.decisions)
    print(f"policy tier: {len(recording.calls)} S3 calls, {counts} ")
    refused = [d.describe() for d in recording.decisions if d.decision != "Allowed"]
    assert not refused, f"{len(refused)} of {len(recording.decisions)} refused: " + "\n".join(
        refused[:40]
    )
    assert counts == {"Allowed": len(recording.decisions)}


def test_the_recorded_flows_cover_both_roles_both_buckets_and_every_kind_of_call(
    recording: Recording,
) -> None:
    seen = {(c.role, c.operation, c.presigned, c.bucket) for c in recording.calls}
    expected = {
        ("public", "PutObject", True, STAGING_BUCKET),  # the browser's segment uploads
        ("public", "HeadObject", False, STAGING_BUCKET),
        ("public", "CopyObject", False, CASE_BUCKET),  # finalize: staging -> case
        ("public", "PutObject", False, CASE_BUCKET),
        ("public", "GetObject", False, CASE_BUCKET),
        ("reviewer", "PutObject", False, STAGING_BUCKET),  # nonces of signed requests
        ("reviewer", "HeadObject", False, STAGING_BUCKET),
        ("reviewer", "ListObjectsV2", False, CASE_BUCKET),
        ("reviewer", "GetObject", True, CASE_BUCKET),  # the console's downloads
        ("reviewer", "GetObject", False, CASE_BUCKET),
        ("reviewer", "PutObject", False, CASE_BUCKET),
        ("reviewer", "PutObject", True, STAGING_BUCKET),  # a reviewer's attached file
        ("reviewer", "CopyObject", False, CASE_BUCKET),  # ... into replies/ when posted
        ("public", "GetObject", False, CASE_BUCKET),  # ... read out in chunks by the reporter
    }
    assert expected <= seen, sorted(expected - seen)
    # reads of missing keys the code relies on being 404: a staged segment, an unspent nonce
    missing = {(c.role, c.bucket) for c in recording.calls if c.missing}
    assert {("public", STAGING_BUCKET), ("reviewer", STAGING_BUCKET)} <= missing, missing
    # the revocation list, read for every signed request (none here: 404), and the rekey
    # records, written create-only (ADR 0044, 0045); allowed like every recorded call
    absent = {(c.role, c.key) for c in recording.calls if c.missing}
    assert ("reviewer", "access/revoked.json") in absent
    assert any(
        c.role == "reviewer"
        and c.operation == "PutObject"
        and "/rekey/" in (c.key or "")
        and c.headers.get("if-none-match") == "*"
        for c in recording.calls
    )
    copies = [c for c in recording.calls if c.operation == "CopyObject"]
    assert {c.source[0] for c in copies if c.source} == {STAGING_BUCKET}
    # a status change is a conditional replace: its If-Match reaches S3 as signed
    assert any(
        c.role == "reviewer" and c.key and c.key.endswith("/state.json") and "if-match" in c.headers
        for c in recording.calls
    )
    kms = [d for d in recording.decisions if d.request.action.startswith("kms:")]
    assert {d.request.action for d in kms} == {"kms:GenerateDataKey", "kms:Decrypt"}
    assert {d.request.role for d in kms} == {"public", "reviewer"}


def test_no_condition_key_a_policy_tests_is_dropped_by_the_simulator(
    recording: Recording,
) -> None:
    """The simulator drops context keys an action does not define; none of the keys the
    template's conditions test *for that action* may be among them, or a condition would be
    judged blind. (A key dropped for another action is harmless: a copy's If-None-Match reaches
    the source's s3:GetObject too, where no statement tests it.)"""
    rendered = recording.rendered
    documents = [
        *rendered.bucket_policies.values(),
        *rendered.key_policies.values(),
        *(d for docs in rendered.role_policies.values() for d in docs),
    ]
    tested = _tested_keys_by_action(documents)
    blind = {
        (d.request.action, key)
        for d in recording.decisions
        for key in d.ignored_context_keys
        if key in tested.get(d.request.action, set()) | tested.get("*", set())
    }
    assert not blind, sorted(blind)
    # The write-once statement's key is judged on the writes it guards.
    assert "s3:if-none-match" in tested["s3:PutObject"]


def _tested_keys_by_action(documents: list[dict[str, object]]) -> dict[str, set[str]]:
    """For each action a statement names (`*` for wildcards), the condition keys it tests."""
    found: dict[str, set[str]] = {"*": {"aws:SecureTransport", "s3:TlsVersion", "kms:ViaService"}}
    for document in documents:
        statements = document.get("Statement", [])
        assert isinstance(statements, list)
        for statement in statements:
            keys = {key for tests in statement.get("Condition", {}).values() for key in tests}
            actions = statement.get("Action", [])
            for action in [actions] if isinstance(actions, str) else actions:
                name = "*" if "*" in action else action
                found.setdefault(name, set()).update(keys)
    return found


# -- what must be refused ---------------------------------------------------------------------

STAGED = "staging/0f1e2d3c4b5a69788796a5b4c3d2e1f0/00/00000.age"
NONCE = "nonces/" + "ab" * 32
# A key each role writes in the case bucket and in the staging bucket, and one it reads.
WRITES = {
    "public": ((CASE_BUCKET, f"{CASE}/report.age"), (STAGING_BUCKET, STAGED)),
    "reviewer": ((CASE_BUCKET, f"{CASE}/state.json"), (STAGING_BUCKET, NONCE)),
}
READS = {"public": f"{CASE}/state.json", "reviewer": f"{CASE}/report.age"}


@dataclass(frozen=True)
class Refusal:
    request: IamRequest
    explicit: bool  # the template means a Deny to stand whatever a role is granted


def s3(
    label: str,
    role: str | None,
    action: str,
    bucket: str,
    key: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    secure: bool = True,
    tls: str | None = None,
) -> IamRequest:
    """An S3 request with the condition keys a real one would carry (as recorded calls do)."""
    call = S3Call(
        role or "anonymous", action, False, bucket, key, None, None, headers or {}, secure
    )
    context = s3_context(call)
    if tls is not None:
        context["s3:TlsVersion"] = tls
    resource = f"arn:{PARTITION}:s3:::{bucket}" + (f"/{key}" if key is not None else "")
    return IamRequest(f"{role or 'anonymous'}: {label}", role, action, resource, context)


# Keys a role may create but never replace (the bucket policy's WriteOnceWhatTheReporterSent).
WRITE_ONCE = (
    ("public", f"{CASE}/reply.json"),
    ("public", f"{CASE}/report.age"),
    ("public", "lookup/" + "cd" * 32 + ".json"),
    ("public", f"{CASE}/thread/00002-pelapor.age"),
    ("reviewer", f"{CASE}/thread/00002.seq"),
    ("reviewer", f"{CASE}/rekey/" + "ab" * 32 + "/" + "cd" * 32 + ".json"),  # ADR 0044
)


def test_the_write_once_keys_are_refused_only_without_if_none_match() -> None:
    """The positive control of the write-once rows below: the same writes, create-only, are
    allowed, so the refusal is the header's doing, not a missing grant."""
    requests = [
        s3(f"PutObject {key} create-only", role, "s3:PutObject", CASE_BUCKET, key,
           headers={"if-none-match": "*"})
        for role, key in WRITE_ONCE
    ]  # fmt: skip
    decisions = policies.evaluate(policies.render(), requests)
    assert [d.decision for d in decisions] == ["Allowed"] * len(WRITE_ONCE), [
        d.describe() for d in decisions
    ]


def refusal_table() -> list[Refusal]:
    rows: list[Refusal] = []

    def must(request: IamRequest, explicit: bool) -> None:
        rows.append(Refusal(request, explicit))

    sse = {
        "SSE-S3 (AES256)": {"x-amz-server-side-encryption": "AES256"},
        "another KMS key": {
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-server-side-encryption-aws-kms-key-id": OTHER_KEY,
        },
        "aws:kms without a key id (the account's aws/s3 key)": {
            "x-amz-server-side-encryption": "aws:kms"
        },
        "SSE-C": {"x-amz-server-side-encryption-customer-algorithm": "AES256"},
    }
    report = f"{CASE}/report.age"
    for role in ("public", "reviewer"):
        # Nothing is ever deleted or unlocked by a function.
        for action in (
            "s3:DeleteObject",
            "s3:DeleteObjectVersion",
            "s3:BypassGovernanceRetention",
            "s3:PutObjectRetention",
            "s3:PutObjectLegalHold",
        ):
            must(s3(f"{action} on a report", role, action, CASE_BUCKET, report), True)
        for action in (
            "s3:PutBucketObjectLockConfiguration",
            "s3:PutLifecycleConfiguration",
            "s3:PutBucketPolicy",
            "s3:PutBucketVersioning",
            "s3:DeleteBucket",
        ):
            must(s3(f"{action} on the case bucket", role, action, CASE_BUCKET), True)
        for action in ("s3:PutLifecycleConfiguration", "s3:PutBucketPolicy", "s3:DeleteBucket"):
            must(s3(f"{action} on the staging bucket", role, action, STAGING_BUCKET), True)
        for key in (STAGED, NONCE):
            must(s3(f"s3:DeleteObject {key}", role, "s3:DeleteObject", STAGING_BUCKET, key), True)
        # Writes that ask for other encryption, or travel badly.
        for bucket, key in WRITES[role]:
            for what, headers in sse.items():
                put = s3(
                    f"PutObject {key} asking for {what}",
                    role,
                    "s3:PutObject",
                    bucket,
                    key,
                    headers=headers,
                )
                must(put, True)
            must(
                s3(
                    f"PutObject {key} over plain HTTP",
                    role,
                    "s3:PutObject",
                    bucket,
                    key,
                    secure=False,
                ),
                True,
            )
            for tls in ("1.0", "1.1"):
                must(
                    s3(
                        f"PutObject {key} over TLS {tls}",
                        role,
                        "s3:PutObject",
                        bucket,
                        key,
                        tls=tls,
                    ),
                    True,
                )
        must(
            s3(
                f"GetObject {READS[role]} over plain HTTP",
                role,
                "s3:GetObject",
                CASE_BUCKET,
                READS[role],
                secure=False,
            ),
            True,
        )
        # The case key only through S3, never managed.
        for action in (
            "kms:Decrypt",
            "kms:GenerateDataKey",
            "kms:ScheduleKeyDeletion",
            "kms:DisableKey",
            "kms:PutKeyPolicy",
        ):
            direct = {"kms:CallerAccount": policies.ACCOUNT, "aws:SecureTransport": "true"}
            must(
                IamRequest(
                    f"{role}: {action} on the case key directly", role, action, KEY_ARN, direct
                ),
                False,
            )

    # The public function: nothing of the review side, nothing short-lived in the locked bucket.
    for key in (
        f"{CASE}/identity-grants/rina.age",
        f"{CASE}/notes/0f1e2d3c.age",
        "audit/00000000000000000001.json",
        "identity-requests/8f3a2b1c4d5e6f70/rina.json",
        "reads/8f3a2b1c4d5e6f70/rina.json",
        f"{CASE}/rekey/" + "ab" * 32 + "/" + "cd" * 32 + ".json",
        "access/revoked.json",
    ):
        must(s3(f"GetObject {key}", "public", "s3:GetObject", CASE_BUCKET, key), False)
        must(s3(f"PutObject {key}", "public", "s3:PutObject", CASE_BUCKET, key), False)
    # the published statistics: the public function shows them, never writes them
    stats_key = "published/stats.json"
    must(s3("PutObject the statistics", "public", "s3:PutObject", CASE_BUCKET, stats_key), False)
    must(
        s3(
            "PutObject a team message",
            "public",
            "s3:PutObject",
            CASE_BUCKET,
            f"{CASE}/thread/00002-penelaah.age",
        ),
        False,
    )
    must(
        s3(
            "PutObject staging/ into the locked case bucket",
            "public",
            "s3:PutObject",
            CASE_BUCKET,
            STAGED,
        ),
        False,
    )
    for action in ("s3:GetObject", "s3:PutObject"):
        must(s3(f"{action} a reviewer nonce", "public", action, STAGING_BUCKET, NONCE), False)

    # The reviewer function: never what the reporter wrote, never the staged uploads.
    for key in (
        report,
        f"{CASE}/identity.age",
        f"{CASE}/files/00/00000.age",
        f"{CASE}/submission.json",
        f"{CASE}/reply.json",
        "lookup/" + "cd" * 32,
    ):
        must(s3(f"PutObject {key}", "reviewer", "s3:PutObject", CASE_BUCKET, key), False)
    # What the reporter sent is written once: a write that is not create-only is refused, even
    # on a key the role may create (a compromised function cannot swap the reporter's key).
    reply_upload = "staging/replies/0f1e2d3c4b5a69788796a5b4c3d2e1f0/00/00000.age"
    must(
        s3("PutObject into the team's reply uploads", "public", "s3:PutObject", STAGING_BUCKET,
           reply_upload),
        True,
    )  # fmt: skip
    for role, key in WRITE_ONCE:
        must(s3(f"PutObject {key} not create-only", role, "s3:PutObject", CASE_BUCKET, key), True)
    # ... nor a message in the reporter's name (its own grant on thread/* would allow it).
    impostor = f"{CASE}/thread/00002-pelapor.age"
    must(s3(f"PutObject {impostor}", "reviewer", "s3:PutObject", CASE_BUCKET, impostor), True)
    for action in ("s3:GetObject", "s3:PutObject"):
        must(s3(f"{action} a staged upload", "reviewer", action, STAGING_BUCKET, STAGED), False)
    # The revocation list is the operator's: the reviewer function reads it, never writes it.
    revoked = "access/revoked.json"
    must(s3(f"PutObject {revoked}", "reviewer", "s3:PutObject", CASE_BUCKET, revoked), False)
    must(
        s3(
            "PutObject nonces/ into the locked case bucket",
            "reviewer",
            "s3:PutObject",
            CASE_BUCKET,
            NONCE,
        ),
        False,
    )

    # Nobody else: unsigned requests, even with the keys a browser knows.
    must(s3("GetObject a report", None, "s3:GetObject", CASE_BUCKET, report), False)
    must(s3("GetObject a staged upload", None, "s3:GetObject", STAGING_BUCKET, STAGED), False)
    must(s3("PutObject a staged upload", None, "s3:PutObject", STAGING_BUCKET, STAGED), False)
    must(s3("ListBucket the case bucket", None, "s3:ListBucket", CASE_BUCKET), False)
    return rows


REFUSALS = refusal_table()


@pytest.fixture(scope="module")
def refused() -> dict[str, Decision]:
    decisions = policies.evaluate(policies.render(), [r.request for r in REFUSALS])
    print(f"policy tier: {len(decisions)} refusals, {policies.tally(decisions)}")
    return {d.request.label: d for d in decisions}


def test_the_refusal_table_has_one_row_per_label() -> None:
    assert len({r.request.label for r in REFUSALS}) == len(REFUSALS)


@pytest.mark.parametrize("row", REFUSALS, ids=[r.request.label for r in REFUSALS])
def test_aws_refuses(row: Refusal, refused: dict[str, Decision]) -> None:
    decision = refused[row.request.label]
    wanted = {"ExplicitlyDenied"} if row.explicit else {"ExplicitlyDenied", "ImplicitlyDenied"}
    assert decision.decision in wanted, decision.describe()


def test_the_simulator_judges_a_missing_encryption_header_as_aws_does() -> None:
    """The trap this tier was built for: a Deny with `StringNotEqualsIfExists` matches a
    request that carries no such header (every ordinary PUT); a `Null` guard does not."""
    role = {"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}

    def bucket_policy(condition: Mapping[str, object]) -> dict[str, object]:
        deny = {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": f"arn:{PARTITION}:s3:::{CASE_BUCKET}/*",
            "Condition": condition,
        }
        return {"Version": "2012-10-17", "Statement": [deny]}

    header = "s3:x-amz-server-side-encryption"
    verdicts = []
    for condition in (
        {"StringNotEqualsIfExists": {header: "aws:kms"}},
        {"Null": {header: "false"}, "StringNotEquals": {header: "aws:kms"}},
    ):
        rendered = Rendered(
            role_arns={"public": f"arn:{PARTITION}:iam::{policies.ACCOUNT}:role/p"},
            role_policies={"public": [{"Version": "2012-10-17", **role}]},
            bucket_policies={CASE_BUCKET: bucket_policy(condition)},
            buckets={},
            key_policies={},
        )
        plain = s3("plain", "public", "s3:PutObject", CASE_BUCKET, "cases/x/report.age")
        aes = s3(
            "aes",
            "public",
            "s3:PutObject",
            CASE_BUCKET,
            "cases/x/report.age",
            headers={"x-amz-server-side-encryption": "AES256"},
        )
        verdicts.append([d.decision for d in policies.evaluate(rendered, [plain, aes])])
    assert verdicts == [
        ["ExplicitlyDenied", "ExplicitlyDenied"],  # IfExists: even the plain PUT
        ["Allowed", "ExplicitlyDenied"],
    ]
