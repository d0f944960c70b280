"""The reporter's follow-up API as Lambda runs it, with the reviewer API on the same store:
status and thread by lookup token, the reporter's messages and added evidence, the neutral
answer for a wrong code, proof of work on every request, unread counts for the team."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from datetime import timedelta

import pytest

from peluit import age
from peluit.core.dates import local_date
from peluit.core.pow import QUERY, Proof, bucket_of, challenge, meets, solve
from peluit.core.report import MessageDocument
from peluit.review import compose
from peluit.review.content import decode_reply
from peluit.review.transport import HttpRequest, HttpResponse
from peluit.store.port import ObjectInfo
from tests.support import agefiles
from tests.support.followup import PUBLIC, FollowupWorld, manifest_entries
from tests.support.pow import pow_query
from tests.support.review import (
    ReviewTeam,
    http_event,
    lambda_context,
    make_review_team,
    response_of,
)

pytestmark = pytest.mark.functional

KiB = 1024
STATUS = "/api/v1/followup/status"
MESSAGES = "/api/v1/followup/messages"


@pytest.fixture(scope="module")
def review_team() -> ReviewTeam:
    return make_review_team()


@pytest.fixture
def world(review_team: ReviewTeam) -> FollowupWorld:
    return FollowupWorld(review_team)


def code_of(answer: object) -> str:
    assert isinstance(answer, dict)
    code: str = answer["error"]["code"]
    return code


def reviewer_says(world: FollowupWorld, case: str, text: str, person: str = "rina") -> str:
    client = world.client(person)
    view = client.get_case(case)
    sealed = compose.message(world.config, view.channel, str(view.reply_recipient), text)
    key: str = client.post_message(case, sealed).key
    return key


# -- status and thread -------------------------------------------------------------------------


def test_a_fresh_case_shows_its_status_and_an_empty_thread(world: FollowupWorld) -> None:
    filed = world.file()
    answer = world.status(filed)
    assert answer.status == 200, answer.body
    state = json.loads(world.store.objects[f"cases/{filed.case}/state.json"])
    assert answer.body == {
        "case": "-".join(filed.case.upper()[i : i + 4] for i in range(0, 16, 4)),
        "channel": "pengaduan",
        "status": "diterima",
        "since": state["received"],
        "messages": [],
        "more": False,
        "next_seq": 1,  # what the reporter's next message signs (statement version 2)
    }


def test_the_reporter_reads_the_reviewers_message_and_never_their_names(
    world: FollowupWorld,
) -> None:
    filed = world.file()
    reviewer_says(world, filed.case, "Apakah ada foto kontraknya?")
    world.client("rina").change_status(
        filed.case,
        world.client("rina").get_case(filed.case).etag,
        "diverifikasi",
        compose.status_reason(world.config, "pengaduan", "lengkap"),
    )
    answer = world.status(filed)
    assert answer.status == 200
    [message] = answer.body["messages"]
    assert (message["seq"], message["sender"]) == (1, "penelaah")
    text = age.decrypt(base64.b64decode(message["data"]), [filed.identity])
    assert decode_reply(text).text == "Apakah ada foto kontraknya?"
    assert message["on"] == local_date(world.clock, world.config.organisation.timezone).isoformat()
    assert answer.body["status"] == "diverifikasi"
    for secret in (b"rina", b"agus", b"history", b"note"):
        assert secret not in answer.raw


def test_a_long_thread_comes_in_pages(
    world: FollowupWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("peluit.core.followup.INLINE_BUDGET", 1)  # one message per answer
    filed = world.file()
    for n in range(3):
        reviewer_says(world, filed.case, f"pesan {n}")
    first = world.status(filed)
    assert [m["seq"] for m in first.body["messages"]] == [1]
    assert first.body["more"] is True
    last = world.status(filed, after=2)
    assert [m["seq"] for m in last.body["messages"]] == [3]
    assert last.body["more"] is False


# -- the neutral answer --------------------------------------------------------------------------


def test_a_wrong_code_is_a_neutral_404_whatever_the_reason(world: FollowupWorld) -> None:
    filed = world.file()
    unknown = world.status(os.urandom(32).hex())
    assert unknown.status == 404
    assert code_of(unknown.body) == "receipt_not_found"

    # the case's state unreadable, the lookup entry damaged, the case gone: the same answer
    broken = world.file()
    world.store.objects[f"cases/{broken.case}/state.json"] = b"{not json"
    damaged = world.file()
    lookup_key = f"lookup/{damaged.code.lookup_hash().hex()}.json"
    world.store.objects[lookup_key] = b'{"case": "../../etc"}'
    gone = world.file()
    del world.store.objects[f"cases/{gone.case}/state.json"]
    for filed_case in (broken, damaged, gone):
        answer = world.status(filed_case)
        assert (answer.status, answer.raw) == (unknown.status, unknown.raw)
    assert world.status(filed).status == 200
    # posting with a wrong code says the same
    sealed = world.say(filed, "halo")
    stranger = world.post(
        MESSAGES, {"token": os.urandom(32).hex(), "message": base64.b64encode(sealed).decode()}
    )
    assert (stranger.status, stranger.raw) == (unknown.status, unknown.raw)


def test_a_token_that_is_not_64_hex_digits_is_a_plain_invalid_request(
    world: FollowupWorld,
) -> None:
    answer = world.post(STATUS, {"token": "abc"})
    assert (answer.status, code_of(answer.body)) == (400, "invalid_request")


# -- proof of work -------------------------------------------------------------------------------


def test_requests_without_a_valid_proof_of_work_are_refused_and_store_nothing(
    world: FollowupWorld,
) -> None:
    filed = world.file(signed=False)  # the body below carries no signature
    sealed = world.say(filed, "Ini bukti tambahan.")
    body = {"token": filed.token, "message": base64.b64encode(sealed).decode()}
    data = json.dumps(body).encode()
    bits = world.config.limits.pow_bits
    now = bucket_of(world.clock())
    hard = world.config.limits.pow_bits + 12

    def proof(path: str = MESSAGES, payload: bytes = data, bucket: int = now, n: int = bits) -> str:
        return f"{QUERY}={solve('POST', path, payload, n, bucket)}"

    def foreign(path: str = MESSAGES, payload: bytes = data) -> str:
        """A proof for that request which happens not to serve this one (at 4 bits, one in
        sixteen proofs would serve both by chance)."""
        other = challenge("POST", path, payload, now)
        mine = challenge("POST", MESSAGES, data, now)
        for counter in range(1 << 20):
            nonce = counter.to_bytes(8, "big")
            if meets(other, nonce, bits) and not meets(mine, nonce, bits):
                return f"{QUERY}={Proof(now, nonce)}"
        raise AssertionError("unreachable")

    def weak() -> str:
        """A proof for this very request that has too few zero bits."""
        mine = challenge("POST", MESSAGES, data, now)
        counter = next(c for c in range(1 << 20) if not meets(mine, c.to_bytes(8, "big"), bits))
        return f"{QUERY}={Proof(now, counter.to_bytes(8, 'big'))}"

    before = dict(world.store.objects)
    refusals = {
        "": "pow_required",
        f"{QUERY}=": "pow_required",
        f"{QUERY}=123": "pow_invalid",
        f"{QUERY}={now}-zzzzzzzzzzzzzzzz": "pow_invalid",
        foreign(path=STATUS): "pow_invalid",  # made for another endpoint
        foreign(payload=data + b" "): "pow_invalid",  # for another body
        weak(): "pow_invalid",  # too easy
        proof(bucket=now - 2): "pow_expired",
        proof(bucket=now + 1): "pow_expired",
    }
    for query, expected in refusals.items():
        answer = world.post(MESSAGES, body, pow=query)
        assert answer.status == 400, query
        assert code_of(answer.body) == expected, query
        assert answer.body["error"]["pow"] == {"bits": bits, "bucket": now}
        assert set(answer.body["error"]["message"]) == {"id", "en"}
    assert world.store.objects == before
    # the previous window is still accepted; a harder proof is fine too
    assert world.post(MESSAGES, body, pow=proof(bucket=now - 1)).status == 200
    assert world.post(MESSAGES, body, pow=proof(n=hard)).status == 200  # a replay: same message
    assert world.store.keys(f"cases/{filed.case}/thread/") == [
        f"cases/{filed.case}/thread/00001-pelapor.age",
        f"cases/{filed.case}/thread/00001.seq",
    ]


def test_report_submission_needs_a_proof_of_work_too(world: FollowupWorld) -> None:
    path = f"/api/v1/submissions/{os.urandom(16).hex()}/finalize"
    for query in ("", f"{QUERY}=1-0000000000000000"):
        answer = world.post(path, {"channel": "pengaduan"}, pow=query)
        assert code_of(answer.body) in {"pow_required", "pow_invalid", "pow_expired"}
    answer = world.post(path, {"channel": "pengaduan"})  # a valid proof: now the body is checked
    assert code_of(answer.body) == "invalid_request"


@pytest.mark.parametrize(
    ("raw_path", "stage"),
    [
        pytest.param(f"{STATUS}\n", "$default", id="trailing-newline"),
        pytest.param(f"/prod{STATUS}", "prod", id="named-stage"),
    ],
)
def test_a_path_the_router_still_routes_needs_a_proof_too(
    world: FollowupWorld, raw_path: str, stage: str
) -> None:
    """The router reaches the status route from these paths too (its `$` matches before a
    trailing newline; it strips a named stage): without a proof, no answer; with a proof for
    the path as sent, the usual one."""
    filed = world.file()
    data = json.dumps({"token": filed.token, "after": 0}).encode()

    def send(query: str) -> HttpResponse:
        event = http_event(
            HttpRequest(
                "POST",
                f"{PUBLIC}{STATUS}" + (f"?{query}" if query else ""),
                {"content-type": "application/json"},
                data,
            )
        )
        event["rawPath"] = event["requestContext"]["http"]["path"] = raw_path
        event["requestContext"]["stage"] = stage
        return response_of(world.public.resolve(event, lambda_context()))

    bits = world.config.limits.pow_bits
    refused = send("")
    assert refused.status == 400, refused.body
    assert code_of(refused.json()) == "pow_required"
    assert refused.json()["error"]["pow"] == {"bits": bits, "bucket": bucket_of(world.clock())}
    paid = send(pow_query(raw_path, data, bits, world.clock()))
    assert paid.status == 200, paid.body
    assert paid.json()["status"] == "diterima"


# -- the reporter writes -------------------------------------------------------------------------


def test_the_reporters_message_reaches_the_team_and_counts_as_unread(
    world: FollowupWorld,
) -> None:
    filed = world.file()
    reviewer_says(world, filed.case, "Pertanyaan")
    answer = world.message(filed, world.say(filed, "Jawaban saya"))
    assert (answer.status, answer.body) == (200, {"seq": 2})
    stored = world.store.objects[f"cases/{filed.case}/thread/00002-pelapor.age"]
    for person in ("rina", "agus", "kpk-liaison"):
        plain = age.decrypt(stored, [world.review_team.key(person).identity])
        assert MessageDocument.model_validate_json(plain).text == "Jawaban saya"
    with pytest.raises(age.NoMatchError):
        age.decrypt(stored, [filed.identity])  # sealed for the team only

    rina, kpk = world.client("rina"), world.client("kpk-liaison")
    [listed] = rina.list_cases().cases
    assert listed.thread.model_dump() == {"unread": 1, "last_read": 0, "last_seq": 2}
    assert rina.get_case(filed.case).thread.unread == 1
    assert rina.mark_read(filed.case, 2).model_dump() == {
        "unread": 0,
        "last_read": 2,
        "last_seq": 2,
    }
    assert rina.mark_read(filed.case, 1).last_read == 2  # never backwards
    assert rina.get_case(filed.case).thread.unread == 0
    assert kpk.get_case(filed.case).thread.unread == 1  # each person their own marker
    assert json.loads(world.store.objects[f"reads/{filed.case}/rina.json"]) == {
        "seq": 2,
        "version": 1,
    }
    with pytest.raises(Exception, match="unknown_message"):
        rina.mark_read(filed.case, 3)


def test_a_replayed_or_retried_message_is_stored_once(world: FollowupWorld) -> None:
    filed = world.file()
    sealed = world.say(filed, "sekali saja")
    first = world.message(filed, sealed)
    again = world.message(filed, sealed)
    assert first.body == again.body == {"seq": 1}
    assert world.store.keys(f"cases/{filed.case}/thread/") == [
        f"cases/{filed.case}/thread/00001-pelapor.age",
        f"cases/{filed.case}/thread/00001.seq",
    ]


@pytest.mark.parametrize("kind", ["classic", "too-few", "mixed", "not-age", "too-many"])
def test_a_message_not_sealed_for_exactly_the_team_is_refused(
    world: FollowupWorld, kind: str
) -> None:
    filed = world.file()
    team = world.team_recipients(filed)
    classic = age.X25519Identity.generate().recipient()
    plain = b'{"format":"peluit-message/1","lang":"id","text":"x","files":[]}'
    if kind == "classic":
        sealed = age.encrypt(plain, [classic])
    elif kind == "too-few":
        sealed = age.encrypt(plain, team[:2])
    elif kind == "too-many":
        sealed = age.encrypt(plain, [*team, filed.identity.recipient()])
    elif kind == "mixed":
        mixed: list[age.Recipient] = [*team[:2], classic]
        stanzas = b"".join(agefiles.wrapped(r) for r in mixed)
        sealed = agefiles.age_file(stanzas, plain)
    else:
        sealed = b"Ini teks biasa, tidak terenkripsi."
    before = dict(world.store.objects)
    answer = world.message(filed, sealed)
    assert (answer.status, code_of(answer.body)) == (400, "invalid_ciphertext")
    assert world.store.objects == before


def test_a_closed_case_is_readable_but_takes_nothing_new(world: FollowupWorld) -> None:
    filed = world.file()
    rina = world.client("rina")
    reason = compose.status_reason(world.config, "pengaduan", "tidak cukup bukti")
    rina.change_status(filed.case, rina.get_case(filed.case).etag, "ditolak", reason)
    assert world.status(filed).body["status"] == "ditolak"
    answer = world.message(filed, world.say(filed, "tetapi…"))
    assert (answer.status, code_of(answer.body)) == (409, "case_closed")


# -- evidence --------------------------------------------------------------------------------------


def test_evidence_added_later_lands_after_the_reports_files_with_its_manifest(
    world: FollowupWorld,
) -> None:
    filed = world.file(attachment=os.urandom(10 * KiB))  # the report's file 0
    upload = os.urandom(16).hex()
    files = [os.urandom(70 * KiB), b"catatan rapat\n"]  # two segments, then one
    segments = world.stage(filed, upload, files)
    manifest = world.say(filed, "Dua bukti baru", manifest_entries(segments, ["a.mp4", "b.txt"]))
    answer = world.evidence(filed, upload, manifest, segments)
    assert (answer.status, answer.body) == (200, {"seq": 1, "files": [1, 2]})

    rina = world.client("rina")
    view = rina.get_case(filed.case)
    assert [a.model_dump() for a in view.additions] == [
        {"message": "thread/00001-pelapor.age", "files": [1, 2]}
    ]
    assert view.thread.unread == 1
    keys = {o.key for o in view.objects}
    assert {"files/01/00000.age", "files/01/00001.age", "files/02/00000.age"} <= keys
    identity = [world.review_team.key("rina").identity]
    document = MessageDocument.model_validate_json(
        age.decrypt(rina.read_object(filed.case, "thread/00001-pelapor.age"), identity)
    )
    assert [f.name for f in document.files] == ["a.mp4", "b.txt"]
    for number, (entry, plaintext) in enumerate(zip(document.files, files, strict=True), 1):
        recovered = b""
        for index, segment in enumerate(entry.segments):
            obj = next(o for o in view.objects if o.key == f"files/{number:02d}/{index:05d}.age")
            sealed = rina.download(filed.case, obj)
            assert segment.sha256 == hashlib.sha256(sealed).hexdigest()
            recovered += age.decrypt(sealed, identity)
        assert recovered == plaintext

    # the same finalization again: the same answer, nothing new
    before = dict(world.store.objects)
    assert world.evidence(filed, upload, manifest, segments).body == answer.body
    assert world.store.objects == before
    # other content under the same upload id: a conflict
    other = world.say(filed, "lain", manifest_entries(segments, ["x", "y"]))
    assert code_of(world.evidence(filed, upload, other, segments).body) == "submission_conflict"


def test_evidence_whose_segments_were_not_uploaded_is_refused(world: FollowupWorld) -> None:
    filed = world.file()
    upload = os.urandom(16).hex()
    segments = world.stage(filed, upload, [os.urandom(KiB)])
    del world.store.objects[f"staging/{upload}/00/00000.age"]
    manifest = world.say(filed, "bukti", manifest_entries(segments, ["a"]))
    before = dict(world.store.objects)
    answer = world.evidence(filed, upload, manifest, segments)
    assert (answer.status, code_of(answer.body)) == (409, "segment_missing")
    assert world.store.objects == before


def test_two_evidence_batches_never_share_file_numbers(world: FollowupWorld) -> None:
    filed = world.file()
    first, second = os.urandom(16).hex(), os.urandom(16).hex()
    a = world.stage(filed, first, [b"satu"])
    b = world.stage(filed, second, [b"dua", b"tiga"])
    # the second batch's claim on file 0 lands just before the first batch makes its own
    original = world.store.put_new
    raced: list[str] = []

    def racing_put_new(key: str, data: bytes) -> ObjectInfo:
        if key == f"cases/{filed.case}/additions/00.json" and not raced:
            raced.append(key)
            assert world.evidence(filed, second, world.say(filed, "dua"), b).status == 200
        return original(key, data)

    world.store.put_new = racing_put_new  # type: ignore[method-assign]
    answer = world.evidence(filed, first, world.say(filed, "satu"), a)
    assert raced
    assert answer.status == 200
    view = world.client("rina").get_case(filed.case)
    claimed = sorted(n for addition in view.additions for n in addition.files)
    assert claimed == [0, 1, 2]
    assert answer.body["files"] == [2]
    assert json.loads(world.store.objects[f"cases/{filed.case}/additions/02.json"])["upload"] == (
        first
    )


# -- sequence races -------------------------------------------------------------------------------


def test_a_reporter_and_a_reviewer_racing_for_a_number_both_keep_their_message(
    world: FollowupWorld,
) -> None:
    # a case filed before statement version 2: its messages take the next free number (a
    # version-2 message signed for number 1 gets 409 thread_moved instead, and is signed
    # again: test_reporter_signature_api.py)
    filed = world.file(statement=1)
    original = world.store.put_new
    raced: list[str] = []

    def racing_put_new(key: str, data: bytes) -> ObjectInfo:
        if key == f"cases/{filed.case}/thread/00001.seq" and not raced:
            raced.append(key)  # a reviewer's message takes number 1 at the same moment
            reviewer_says(world, filed.case, "Pertanyaan yang balapan")
        return original(key, data)

    world.store.put_new = racing_put_new  # type: ignore[method-assign]
    answer = world.message(filed, world.say(filed, "balapan"))
    assert raced
    assert answer.body == {"seq": 2}
    messages = [m["sender"] for m in world.status(filed).body["messages"]]
    assert messages == ["penelaah", "pelapor"]
    assert [k for k in world.store.keys(f"cases/{filed.case}/thread/") if k.endswith(".age")] == [
        f"cases/{filed.case}/thread/00001-rina.age",
        f"cases/{filed.case}/thread/00002-pelapor.age",
    ]


# -- nothing about the reporter ------------------------------------------------------------------


def test_nothing_of_a_follow_up_request_is_logged(
    world: FollowupWorld, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    powertools = logging.getLogger("aws_lambda_powertools")
    powertools.addHandler(caplog.handler)
    try:
        filed = world.file()
        world.status(filed)
        world.message(filed, world.say(filed, "rahasia"))
        world.status(os.urandom(32).hex())
    finally:
        powertools.removeHandler(caplog.handler)
    out, err = capsys.readouterr()
    text = caplog.text + out + err + "".join(str(r.__dict__) for r in caplog.records)
    for needle in (
        filed.token,
        "203.0.113.7",
        "peluit-review-test",
        filed.code.lookup_hash().hex(),
    ):
        assert needle not in text
    stored = b"".join(world.store.objects.values())
    assert b"203.0.113.7" not in stored
    assert filed.token.encode() not in stored


def test_the_time_bucket_is_the_utc_ten_minute_window(world: FollowupWorld) -> None:
    now = world.clock()
    assert bucket_of(now) == int(now.timestamp()) // 600
    assert bucket_of(now + timedelta(minutes=10)) == bucket_of(now) + 1
