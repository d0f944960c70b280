"""The reviewer API as Lambda runs it: signed requests from the review client, turned into
API Gateway HTTP API (v2) events, resolved over a memory store.

The attack table comes first: every refused request is 401 or 403 with a stable code, and
leaves the store exactly as it was. Then the workflow, messages, identity access, listing
and the audit trail, all through the client a reviewer's console will use."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest

from peluit import age
from peluit.core import layout, request_signature
from peluit.core.audit import verify_chain
from peluit.core.dates import local_date
from peluit.keys import KeyFile
from peluit.review import compose
from peluit.review.client import ReviewClient
from peluit.review.content import decode_reply
from peluit.review.errors import ReviewApiError
from peluit.review.reading import read_identity
from peluit.review.transport import HttpRequest, HttpResponse
from peluit.store.errors import DownloadRejectedError
from tests.support.fakes import FixedClock
from tests.support.review import (
    ORIGIN,
    Deployment,
    ReviewTeam,
    audit_actions,
    http_event,
    lambda_context,
    make_review_team,
    response_of,
)

pytestmark = pytest.mark.functional

KiB = 1024


@pytest.fixture(scope="module")
def review_team() -> ReviewTeam:
    return make_review_team()


@pytest.fixture
def deployment(review_team: ReviewTeam, monkeypatch: pytest.MonkeyPatch) -> Deployment:
    for variable in ("POWERTOOLS_DEV", "POWERTOOLS_DEBUG", "POWERTOOLS_EVENT_HANDLER_DEBUG"):
        monkeypatch.delenv(variable, raising=False)
    return Deployment(review_team)


@pytest.fixture
def case(deployment: Deployment) -> str:
    return deployment.submit(attachment=b"bukti " * (12 * KiB))


def reason(deployment: Deployment, text: str = "Laporan lengkap.") -> bytes:
    return compose.status_reason(deployment.config, "pengaduan", text)


def access_reason(deployment: Deployment, text: str = "Perlu konfirmasi saksi.") -> bytes:
    return compose.access_reason(deployment.config, "pengaduan", text)


def problem(response: HttpResponse) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]["message"]) == {"id", "en"}
    assert response.headers.get("Cache-Control") == "no-store"
    return response.status, body["error"]["code"]


def refused(call: Callable[[], object]) -> tuple[int, str]:
    with pytest.raises(ReviewApiError) as caught:
        call()
    return caught.value.status, caught.value.code


# -- the attack table -------------------------------------------------------------------------


@dataclass(frozen=True)
class Attack:
    name: str
    status: int
    code: str
    make: Callable[[Deployment, str], HttpRequest]


def status_change(deployment: Deployment, case: str, client: ReviewClient) -> HttpRequest:
    etag = deployment.client("rina").get_case(case).etag
    body = {"status": "diverifikasi", "reason": _b64(reason(deployment))}
    return client.prepare("POST", f"/cases/{case}/status", body=body, headers={"If-Match": etag})


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def stranger_key(person: str = "rina") -> KeyFile:
    return KeyFile.generate(person, "Penyusup", ("reviewer",))


def _unsigned(d: Deployment, case: str) -> HttpRequest:
    signed = status_change(d, case, d.client("rina"))
    headers = {
        k: v for k, v in signed.headers.items() if k.lower() not in {"signature", "signature-input"}
    }
    return replace(signed, headers=headers)


def _at(offset: timedelta) -> Callable[[Deployment, str], HttpRequest]:
    def make(d: Deployment, case: str) -> HttpRequest:
        clock = FixedClock(d.clock.now + offset)
        client = ReviewClient(ORIGIN, d.review_team.key("rina"), d.transport, clock=clock)
        return status_change(d, case, client)

    return make


def _tampered_body(d: Deployment, case: str) -> HttpRequest:
    signed = status_change(d, case, d.client("rina"))
    return replace(signed, body=signed.body.replace(b"diverifikasi", b"ditolak"))


def _tampered_path(d: Deployment, case: str) -> HttpRequest:
    other = d.submit()
    signed = status_change(d, case, d.client("rina"))
    return replace(signed, url=signed.url.replace(case, other))


def _tampered_host(d: Deployment, case: str) -> HttpRequest:
    signed = status_change(d, case, d.client("rina"))
    return replace(signed, url=signed.url.replace("k7q2m9x4ab", "zzzzzzzzzz"))


def _tampered_if_match(d: Deployment, case: str) -> HttpRequest:
    signed = status_change(d, case, d.client("rina"))
    return replace(signed, headers={**signed.headers, "If-Match": '"0"'})


def _as(person: str) -> Callable[[Deployment, str], HttpRequest]:
    return lambda d, case: status_change(d, case, d.client(person))


def _oversight(action: str) -> Callable[[Deployment, str], HttpRequest]:
    def make(d: Deployment, case: str) -> HttpRequest:
        client = d.client("kpk-liaison")
        if action == "message":
            body = {"message": _b64(b"x")}
            return client.prepare("POST", f"/cases/{case}/messages", body=body)
        if action == "identity":
            body = {"reason": _b64(access_reason(d))}
            return client.prepare("POST", f"/cases/{case}/identity-requests", body=body)
        return status_change(d, case, client)

    return make


def _wrong_channel_read(d: Deployment, case: str) -> HttpRequest:
    return d.client("dewi").prepare("GET", f"/cases/{case}")


def _custodian_reads_report(d: Deployment, case: str) -> HttpRequest:
    return d.client("sari").prepare("GET", f"/cases/{case}/object", {"key": "report.age"})


ATTACKS = [
    Attack("unsigned", 401, "signature_missing", _unsigned),
    Attack(
        "unknown key id",
        401,
        "unknown_key",
        lambda d, c: status_change(d, c, d.client("mallory", stranger_key("mallory"))),
    ),
    Attack(
        "wrong key",
        401,
        "signature_invalid",
        lambda d, c: status_change(d, c, d.client("rina", stranger_key())),
    ),
    Attack("created 6 minutes ago", 401, "signature_expired", _at(-timedelta(minutes=6))),
    Attack("from the future", 401, "signature_expired", _at(timedelta(minutes=6))),
    Attack("tampered body", 401, "digest_mismatch", _tampered_body),
    Attack("tampered path", 401, "signature_invalid", _tampered_path),
    Attack("tampered host", 401, "signature_invalid", _tampered_host),
    Attack("tampered If-Match", 401, "signature_invalid", _tampered_if_match),
    Attack("custodian changes status", 403, "forbidden", _as("sari")),
    Attack("reviewer of another channel", 403, "forbidden", _as("dewi")),
    Attack("reviewer reads another channel", 403, "forbidden", _wrong_channel_read),
    Attack("custodian reads the report", 404, "object_not_found", _custodian_reads_report),
    Attack("oversight changes status", 403, "forbidden", _oversight("status")),
    Attack("oversight writes to the reporter", 403, "forbidden", _oversight("message")),
    Attack("oversight requests the identity", 403, "forbidden", _oversight("identity")),
]


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_every_attack_is_refused_and_changes_nothing(
    deployment: Deployment, case: str, attack: Attack
) -> None:
    request = attack.make(deployment, case)
    before = deployment.store.snapshot()

    response = deployment.transport.send(request)

    assert problem(response) == (attack.status, attack.code)
    assert deployment.store.snapshot() == before


def test_a_replayed_request_is_refused_and_changes_nothing(
    deployment: Deployment, case: str
) -> None:
    request = status_change(deployment, case, deployment.client("rina"))
    assert deployment.transport.send(request).status == 200
    before = deployment.store.snapshot()

    assert problem(deployment.transport.send(request)) == (401, "replayed_request")
    assert deployment.store.snapshot() == before


def test_a_nonce_used_once_is_refused_on_any_other_request(
    deployment: Deployment, case: str
) -> None:
    client = ReviewClient(
        ORIGIN,
        deployment.review_team.key("rina"),
        deployment.transport,
        clock=deployment.clock,
        nonce=lambda: "the-same-nonce-every-time",
    )
    client.get_case(case)
    before = deployment.store.snapshot()
    assert refused(lambda: client.list_cases()) == (401, "replayed_request")
    assert deployment.store.snapshot() == before


def test_reads_are_signed_too(deployment: Deployment, case: str) -> None:
    signed = deployment.client("rina").prepare("GET", f"/cases/{case}")
    bare = HttpRequest("GET", signed.url, {"Accept": "application/json"}, b"")
    assert problem(deployment.transport.send(bare)) == (401, "signature_missing")


def test_an_unsigned_request_to_an_unknown_path_learns_nothing(deployment: Deployment) -> None:
    bare = HttpRequest("GET", f"{ORIGIN}/api/v1/review/admin", {}, b"")
    assert problem(deployment.transport.send(bare)) == (401, "signature_missing")
    signed = deployment.client("rina").prepare("GET", "/admin")
    assert problem(deployment.transport.send(signed)) == (404, "not_found")


# -- reading ----------------------------------------------------------------------------------


def test_a_reviewer_reads_the_case_and_decrypts_every_part(
    deployment: Deployment, case: str, review_team: ReviewTeam
) -> None:
    rina = deployment.client("rina")
    view = rina.get_case(case)

    assert view.case == case
    assert view.status == "diterima"
    assert view.identity is True
    assert view.etag.startswith('"')
    assert age.HybridRecipient.parse(str(view.reply_recipient))
    keys = [o.key for o in view.objects]
    assert keys == ["files/00/00000.age", "files/00/00001.age", "report.age"]
    assert all(o.url for o in view.objects if o.key.startswith("files/"))
    report = next(o for o in view.objects if o.key == "report.age")
    assert report.url is None
    plain = b"".join(
        compose.open_file(review_team.key("rina"), rina.download(case, o))
        for o in view.objects
        if o.key.startswith("files/")
    )
    assert plain == b"bukti " * (12 * KiB)
    answers = json.loads(compose.open_file(review_team.key("rina"), rina.download(case, report)))
    assert answers == {"what": "Pungutan liar di kantor kecamatan."}


def test_oversight_reads_what_a_reviewer_reads(deployment: Deployment, case: str) -> None:
    rina = [o.key for o in deployment.client("rina").get_case(case).objects]
    kpk = [o.key for o in deployment.client("kpk-liaison").get_case(case).objects]
    assert kpk == rina


def test_nobody_gets_the_identity_block_or_internal_objects_by_default(
    deployment: Deployment, case: str
) -> None:
    for person in ("rina", "agus", "kpk-liaison", "sari"):
        client = deployment.client(person)
        keys = [o.key for o in client.get_case(case).objects]
        assert "identity.age" not in keys
        for key in ("identity.age", "submission.json", "state.json", "reply.json", "../x"):
            with pytest.raises(ReviewApiError) as caught:
                client.read_object(case, key)
            assert caught.value.status == 404


def test_presigned_download_urls_expire(deployment: Deployment, case: str) -> None:
    view = deployment.client("rina").get_case(case)
    url = next(o.url for o in view.objects if o.url)
    deployment.clock.advance(timedelta(minutes=16))
    with pytest.raises(DownloadRejectedError):
        deployment.store.download(url)


def test_an_unknown_case_is_not_found(deployment: Deployment) -> None:
    assert refused(lambda: deployment.client("rina").get_case("0" * 16)) == (
        404,
        "case_not_found",
    )


def test_a_case_id_of_the_wrong_shape_is_a_validation_error(deployment: Deployment) -> None:
    assert refused(lambda: deployment.client("rina").get_case("NOT-A-CASE"))[0] == 400


# -- the workflow over the API ---------------------------------------------------------------


def test_a_case_walks_the_whole_workflow_with_each_step_recorded(
    deployment: Deployment, case: str, review_team: ReviewTeam
) -> None:
    rina = deployment.client("rina")
    etag = rina.get_case(case).etag
    steps = [("diverifikasi", None), ("ditelaah", None), ("diteruskan", "kpk"), ("selesai", None)]
    for status, target in steps:
        deployment.clock.advance(timedelta(days=1))
        answer = rina.change_status(case, etag, status, reason(deployment, status), target)
        assert answer.status == status
        assert answer.etag != etag
        etag = answer.etag

    view = rina.get_case(case)
    assert view.status == "selesai"
    assert view.target == "kpk"
    history = view.history
    assert [h["status"] for h in history] == ["diterima", *[s for s, _ in steps]]
    assert [h["on"] for h in history[1:]] == [
        "2025-03-04",
        "2025-03-05",
        "2025-03-06",
        "2025-03-07",
    ]
    assert {h["by"] for h in history[1:]} == {"rina"}
    assert history[3]["target"] == "kpk"
    for entry, (status, _) in zip(history[1:], steps, strict=True):
        note = rina.read_object(case, f"notes/{entry['note']}.age")
        assert hashlib.sha256(note).hexdigest() == entry["note"]
        assert compose.open_file(review_team.key("kpk-liaison"), note) == status.encode()

    assert refused(lambda: rina.change_status(case, etag, "ditolak", reason(deployment))) == (
        409,
        "invalid_transition",
    )


def test_refusing_a_case_needs_a_reason_and_ends_it(deployment: Deployment, case: str) -> None:
    rina = deployment.client("rina")
    etag = rina.get_case(case).etag
    answer = rina.change_status(case, etag, "ditolak", reason(deployment, "Duplikat."))
    assert answer.status == "ditolak"
    assert refused(
        lambda: rina.change_status(case, answer.etag, "diverifikasi", reason(deployment))
    ) == (409, "invalid_transition")
    missing = rina.prepare("POST", f"/cases/{case}/status", body={"status": "ditolak"})
    assert problem(deployment.transport.send(missing)) == (400, "invalid_request")


def test_a_status_change_without_if_match_is_refused(deployment: Deployment, case: str) -> None:
    rina = deployment.client("rina")
    body = {"status": "diverifikasi", "reason": _b64(reason(deployment))}
    request = rina.prepare("POST", f"/cases/{case}/status", body=body)
    before = deployment.store.snapshot()
    assert problem(deployment.transport.send(request)) == (428, "if_match_required")
    assert deployment.store.snapshot() == before


def test_two_reviewers_changing_the_same_version_one_wins_the_other_gets_409(
    deployment: Deployment, case: str
) -> None:
    rina, agus = deployment.client("rina"), deployment.client("agus")
    etag = rina.get_case(case).etag
    assert agus.get_case(case).etag == etag

    rina.change_status(case, etag, "diverifikasi", reason(deployment))
    before = deployment.store.snapshot()
    assert refused(lambda: agus.change_status(case, etag, "ditolak", reason(deployment))) == (
        409,
        "state_conflict",
    )
    assert deployment.store.snapshot() == before
    assert rina.get_case(case).status == "diverifikasi"


@pytest.mark.parametrize(
    ("status", "target", "code"),
    [
        ("diteruskan", None, "invalid_transition"),
        ("diverifikasi", "kpk", "invalid_status"),
        ("ditelaah", None, "invalid_transition"),
    ],
)
def test_invalid_changes_are_refused_with_their_own_code(
    deployment: Deployment, case: str, status: str, target: str | None, code: str
) -> None:
    rina = deployment.client("rina")
    etag = rina.get_case(case).etag
    before = deployment.store.snapshot()
    status_code, got = refused(
        lambda: rina.change_status(case, etag, status, reason(deployment), target)
    )
    assert got == code
    assert status_code in {400, 409}
    assert deployment.store.snapshot() == before


def test_forwarding_without_a_target_is_an_input_error(deployment: Deployment, case: str) -> None:
    rina = deployment.client("rina")
    etag = rina.get_case(case).etag
    for status in ("diverifikasi", "ditelaah"):
        etag = rina.change_status(case, etag, status, reason(deployment)).etag
    assert refused(lambda: rina.change_status(case, etag, "diteruskan", reason(deployment))) == (
        400,
        "invalid_status",
    )
    assert refused(
        lambda: rina.change_status(case, etag, "diteruskan", reason(deployment), "polisi")
    ) == (400, "invalid_request")


@pytest.mark.parametrize(
    "make",
    [
        lambda d: b"not an age file",
        lambda d: age.encrypt(b"x", [d.review_team.key("rina").identity.recipient()]),
        lambda d: compose.access_reason(d.config, "pengaduan", "to too many people"),
        lambda d: compose.status_reason(d.config, "pengaduan", "x")[:1000],
    ],
    ids=["plaintext", "one recipient", "four recipients", "cut in the header"],
)
def test_a_reason_that_is_not_ciphertext_for_the_channel_is_refused(
    deployment: Deployment, case: str, make: Callable[[Deployment], bytes]
) -> None:
    rina = deployment.client("rina")
    etag = rina.get_case(case).etag
    before = deployment.store.snapshot()
    assert refused(lambda: rina.change_status(case, etag, "diverifikasi", make(deployment))) == (
        400,
        "invalid_ciphertext",
    )
    assert deployment.store.snapshot() == before


# -- messages to the reporter ------------------------------------------------------------------


def test_messages_are_numbered_and_readable_by_the_reporter_and_the_team(
    deployment: Deployment, review_team: ReviewTeam
) -> None:
    reporter = age.HybridIdentity.generate()
    case = deployment.submit(reply=reporter)
    rina, agus = deployment.client("rina"), deployment.client("agus")
    reply = rina.get_case(case).reply_recipient
    assert reply == reporter.recipient().encode()

    first = rina.post_message(case, compose.message(deployment.config, "pengaduan", reply, "A"))
    second = agus.post_message(case, compose.message(deployment.config, "pengaduan", reply, "B"))

    assert (first.key, second.key) == ("thread/00001-rina.age", "thread/00002-agus.age")
    stored = deployment.store.objects[f"cases/{case}/thread/00002-agus.age"]
    assert decode_reply(age.decrypt(stored, [reporter])).text == "B"
    team_copy = compose.open_file(review_team.key("kpk-liaison"), stored)
    assert decode_reply(team_copy).text == "B"
    assert json.loads(team_copy)["format"] == "peluit-reply/1"
    # each message's claim holds the day it was numbered (no time of day)
    claim = json.loads(deployment.store.objects[f"cases/{case}/thread/00002.seq"])
    assert claim["on"] == deployment.clock().date().isoformat()
    view = rina.get_case(case)
    assert [(m.seq, m.sender, m.on) for m in view.messages] == [
        (1, "rina", claim["on"]),
        (2, "agus", claim["on"]),
    ]


def test_a_message_not_encrypted_to_the_reporter_too_is_refused(
    deployment: Deployment, case: str
) -> None:
    only_team = compose.status_reason(deployment.config, "pengaduan", "Halo")
    assert refused(lambda: deployment.client("rina").post_message(case, only_team)) == (
        400,
        "invalid_ciphertext",
    )


def test_a_case_without_a_reply_key_cannot_be_written_to(deployment: Deployment, case: str) -> None:
    reply = str(deployment.client("rina").get_case(case).reply_recipient)
    del deployment.store.objects[layout.case_reply(case)]
    message = compose.message(deployment.config, "pengaduan", reply, "Halo")
    assert refused(lambda: deployment.client("rina").post_message(case, message)) == (
        409,
        "no_reply_key",
    )


# -- the reporter's identity --------------------------------------------------------------------


def test_an_identity_request_signed_with_another_key_is_refused_and_nothing_stored(
    deployment: Deployment, case: str, review_team: ReviewTeam
) -> None:
    """The requester's signature (ADR 0059) is checked against their roster key before the
    request, its reason or its audit event is stored; a good one is kept for the custodian."""
    rina = deployment.client("rina")
    reason = access_reason(deployment)
    identity = hashlib.sha256(deployment.store.objects[layout.case_identity(case)]).hexdigest()
    day = local_date(deployment.clock, deployment.config.organisation.timezone)
    note = hashlib.sha256(reason).hexdigest()
    text = request_signature.statement(case, "rina", day.isoformat(), identity, note)
    before = dict(deployment.store.objects)
    rina_key = review_team.key("rina").signing_key
    forged = review_team.key("agus").signing_key.sign(text)
    long_ago = (day - timedelta(days=3)).isoformat()
    old = rina_key.sign(request_signature.statement(case, "rina", long_ago, identity, note))
    for signature, on in ((forged, day.isoformat()), (old, long_ago)):
        with pytest.raises(ReviewApiError) as answer:
            rina.request_identity(case, reason, identity, signature, on)
        assert (answer.value.status, answer.value.code) == (400, "bad_request_signature")
    assert deployment.store.objects == before

    good = rina_key.sign(text)
    stored = rina.request_identity(case, reason, identity, good, day.isoformat())
    assert (stored.identity_sha256, stored.signature) == (identity, good.hex())
    listed = deployment.client("sari").list_identity_requests(status="pending").requests
    assert [(r.signed_on, r.identity_sha256, r.signature) for r in listed] == [
        (day.isoformat(), identity, good.hex())
    ]


def test_identity_is_seen_only_after_a_custodian_approves(
    deployment: Deployment, case: str, review_team: ReviewTeam
) -> None:
    rina, sari = deployment.client("rina"), deployment.client("sari")

    requested = rina.request_identity(case, access_reason(deployment))
    assert requested.status == "pending"
    assert refused(lambda: rina.request_identity(case, access_reason(deployment))) == (
        409,
        "identity_request_state",
    )
    assert refused(lambda: rina.read_object(case, "identity.age"))[0] == 404

    waiting = sari.list_identity_requests(status="pending").requests
    assert [(r.case, r.reviewer) for r in waiting] == [(case, "rina")]
    sari_view = [o.key for o in sari.get_case(case).objects]
    assert sari_view == ["identity.age", f"notes/{requested.reason}.age"]
    why = sari.read_object(case, f"notes/{requested.reason}.age")
    assert compose.open_file(review_team.key("sari"), why) == b"Perlu konfirmasi saksi."

    block = sari.read_object(case, "identity.age")
    plaintext = compose.open_file(review_team.key("sari"), block)
    grant = compose.grant(deployment.config, "rina", plaintext)
    assert sari.approve_identity(case, "rina", grant).status == "approved"

    view = rina.get_case(case)
    assert view.identity_request == "approved"
    granted = rina.read_object(case, "identity-grants/rina.age")
    identity = read_identity(compose.open_file(review_team.key("rina"), granted))
    assert identity is not None
    assert identity.fields["reporter_name"] == "Siti"
    assert identity.case == case  # as sent (ADR 0059)
    assert (
        refused(lambda: deployment.client("agus").read_object(case, "identity-grants/rina.age"))[0]
        == 404
    )
    assert refused(lambda: sari.read_object(case, "identity.age"))[0] == 404  # none waiting


def test_nobody_decides_their_own_identity_request(deployment: Deployment, case: str) -> None:
    agus = deployment.client("agus")  # reviewer and custodian of pengaduan
    agus.request_identity(case, access_reason(deployment))
    keys = [o.key for o in agus.get_case(case).objects]
    assert "identity.age" not in keys
    grant = age.encrypt(b"x", [deployment.review_team.key("agus").identity.recipient()])
    request = agus.prepare(
        "POST", f"/cases/{case}/identity-requests/agus/approve", body={"grant": _b64(grant)}
    )
    before = deployment.store.snapshot()
    assert problem(deployment.transport.send(request)) == (403, "self_approval")
    assert deployment.store.snapshot() == before


def test_a_denied_request_can_be_made_again_and_keeps_its_history(
    deployment: Deployment, case: str, review_team: ReviewTeam
) -> None:
    rina, sari = deployment.client("rina"), deployment.client("sari")
    rina.request_identity(case, access_reason(deployment, "pertama"))
    no = compose.access_reason(deployment.config, "pengaduan", "Alasan belum cukup.")
    denied = sari.deny_identity(case, "rina", no)
    assert (denied.status, denied.decided_by) == ("denied", "sari")
    assert (
        compose.open_file(
            review_team.key("rina"), rina.read_object(case, f"notes/{denied.decision_note}.age")
        )
        == b"Alasan belum cukup."
    )

    again = rina.request_identity(case, access_reason(deployment, "kedua"))
    assert again.status == "pending"
    stored = json.loads(deployment.store.objects[layout.identity_request(case, "rina")])
    assert [r["status"] for r in stored["rounds"]] == ["denied"]
    assert refused(lambda: sari.deny_identity(case, "agus", no)) == (409, "identity_request_state")


def test_a_grant_must_be_for_exactly_one_recipient(
    deployment: Deployment, case: str, review_team: ReviewTeam
) -> None:
    deployment.client("rina").request_identity(case, access_reason(deployment))
    sari = deployment.client("sari")
    two = age.encrypt(b"x", [review_team.key(p).identity.recipient() for p in ("rina", "agus")])
    assert refused(lambda: sari.approve_identity(case, "rina", two)) == (400, "invalid_ciphertext")


def test_there_is_nothing_to_request_when_the_reporter_stayed_anonymous(
    deployment: Deployment,
) -> None:
    anonymous = deployment.submit(identity=False)
    assert refused(
        lambda: deployment.client("rina").request_identity(anonymous, access_reason(deployment))
    ) == (409, "no_identity_block")


def test_who_sees_which_identity_requests(deployment: Deployment, case: str) -> None:
    deployment.client("rina").request_identity(case, access_reason(deployment))
    deployment.client("agus").request_identity(case, access_reason(deployment))

    def seen(person: str) -> list[str]:
        found = deployment.client(person).list_identity_requests().requests
        return sorted(r.reviewer for r in found)

    assert seen("sari") == ["agus", "rina"]
    assert seen("kpk-liaison") == ["agus", "rina"]
    assert seen("agus") == ["agus", "rina"]  # agus is also a custodian
    assert seen("rina") == ["rina"]
    assert seen("dewi") == []


# -- listing ----------------------------------------------------------------------------------


def test_listing_pages_newest_first_and_filters_by_channel_and_status(
    deployment: Deployment,
) -> None:
    made = []
    for _ in range(5):
        made.append(deployment.submit())
        deployment.clock.advance(timedelta(days=1))
    deployment.submit("gratifikasi")
    rina = deployment.client("rina")
    rina.change_status(made[1], rina.get_case(made[1]).etag, "ditolak", reason(deployment))

    pages, cursor = [], None
    while True:
        page = rina.list_cases(channel="pengaduan", cursor=cursor, limit=2)
        pages.append([c.case for c in page.cases])
        cursor = page.next_cursor
        if cursor is None:
            break
    assert [c for p in pages for c in p] == list(reversed(made))
    assert all(len(p) <= 2 for p in pages)

    refused_cases = rina.list_cases(status="ditolak").cases
    assert [c.case for c in refused_cases] == [made[1]]
    summary = refused_cases[0]
    assert set(summary.model_dump()) == {
        "case",
        "reference",
        "channel",
        "status",
        "received",
        "files",
        "identity",
        "tags",
        "target",
        "thread",
        "history",  # the status changes, so statistics need not open every case (ADR 0041)
    }
    assert summary.thread.model_dump() == {"unread": 0, "last_read": 0, "last_seq": 0}
    assert [h["status"] for h in summary.history][-1] == "ditolak"
    channels = {c.channel for c in deployment.client("kpk-liaison").list_cases().cases}
    assert channels == {"pengaduan", "gratifikasi"}
    assert {c.channel for c in rina.list_cases().cases} == {"pengaduan"}


def test_listing_pages_every_case_once_across_days_channels_and_page_ends(
    deployment: Deployment,
) -> None:
    """Several cases a day, two channels merged for an overseer, pages of every size: each
    case comes once, newest day first, then by case id; a case indexed under a second day
    (a finalization retried after midnight) comes once, under its own day."""
    made: list[tuple[str, str]] = []  # (day, case)
    for _ in range(3):
        for channel in ("pengaduan", "pengaduan", "gratifikasi"):
            case = deployment.submit(channel)
            made.append((deployment.client("kpk-liaison").get_case(case).received, case))
        deployment.clock.advance(timedelta(days=1))
    day, twice = made[0]
    later = (date.fromisoformat(day) + timedelta(days=2)).isoformat()
    deployment.store.put_new(layout.case_index("pengaduan", later, twice), b"")
    expected = [case for _, case in sorted(made, key=lambda m: (-int(m[0].replace("-", "")), m[1]))]

    overseer = deployment.client("kpk-liaison")
    for limit in (1, 2, 4, 9, 100):
        listed, cursor = [], None
        while True:
            page = overseer.list_cases(cursor=cursor, limit=limit)
            listed += [c.case for c in page.cases]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert listed == expected, limit


def test_listing_refuses_what_a_person_may_not_list(deployment: Deployment, case: str) -> None:
    assert refused(lambda: deployment.client("rina").list_cases(channel="gratifikasi")) == (
        403,
        "forbidden",
    )
    assert refused(lambda: deployment.client("sari").list_cases()) == (403, "forbidden")
    assert refused(lambda: deployment.client("rina").list_cases(cursor="bogus")) == (
        400,
        "invalid_cursor",
    )


def test_a_case_still_being_finalized_is_not_listed(deployment: Deployment, case: str) -> None:
    del deployment.store.objects[layout.case_state(case)]
    assert deployment.client("rina").list_cases().cases == []


def test_me_names_the_key_holder_and_their_channels(deployment: Deployment) -> None:
    me = deployment.client("agus").me()
    assert me.model_dump() == {
        "id": "agus",
        "name": "Agus (Inspektorat, penelaah)",
        "roles": ["reviewer", "custodian"],
        "reviews": ["pengaduan"],
        "oversees": [],
        "guards": ["pengaduan"],
    }


# -- the audit trail and the logs ----------------------------------------------------------------


def test_every_action_leaves_an_audit_event_and_the_chain_verifies(
    deployment: Deployment, case: str
) -> None:
    rina = deployment.client("rina")
    view = rina.get_case(case)
    note = reason(deployment, "rahasia: pelapor adalah kepala seksi")
    rina.change_status(case, view.etag, "diverifikasi", note)
    rina.list_cases()
    rina.read_object(case, "report.age")

    actions = list(audit_actions(deployment.store))
    assert actions == [
        ("case.read", case),
        ("status.change", case),
        ("cases.list", None),
        ("object.read", case),
    ]
    assert verify_chain(deployment.store).events == 4
    status_event = json.loads(deployment.store.objects[layout.audit_event(1)])
    assert status_event["detail"] == {
        "from": "diterima",
        "to": "diverifikasi",
        "reason_sha256": hashlib.sha256(note).hexdigest(),
    }
    everything = b"".join(deployment.store.objects[k] for k in deployment.store.keys("audit/"))
    assert b"rahasia" not in everything


def test_no_request_data_reaches_any_log(
    deployment: Deployment,
    case: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    rina = deployment.client("rina")
    view = rina.get_case(case)
    rina.change_status(case, view.etag, "diverifikasi", reason(deployment))
    deployment.transport.send(deployment.transport.sent[-1])  # a replay
    deployment.transport.send(_unsigned(deployment, case))
    printed = capsys.readouterr()

    text = caplog.text + printed.out + printed.err
    for request in deployment.transport.sent:
        if "Signature-Input" not in request.headers:
            continue
        nonce = request.headers["Signature-Input"].split('nonce="')[1].split('"')[0]
        assert nonce not in text
        if request.body:
            assert request.body.decode()[:40] not in text
    for secret in ("203.0.113.7", "peluit-review-test", case, "Signature"):
        assert secret not in text


def test_an_event_that_cannot_be_read_is_refused_without_a_crash(
    deployment: Deployment, case: str
) -> None:
    request = status_change(deployment, case, deployment.client("rina"))
    for change in (
        {"isBase64Encoded": True, "body": "***not base64***"},
        {"requestContext": None},
        {"headers": {"signature": "x", "signature-input": 'a=("@method");nonce=1'}},
    ):
        event = {**http_event(request), **change}
        response = response_of(deployment.app.resolve(event, lambda_context()))
        assert response.status == 401
        assert response.json()["error"]["code"].startswith(("signature", "digest"))
