"""Size buckets (issue 18, finding 3): what the reporter encrypts is padded with spaces to a
bucket, so a ciphertext's size does not give the exact length of a name or a report; readers
refuse anything but padding after the document; the server takes only bucket sizes from a
current client, and a finalization for a recipient set the channel no longer has is refused."""

from __future__ import annotations

import dataclasses
import json

import pytest

from peluit import age
from peluit.api.errors import problem_for
from peluit.core import errors, padding, recipient_set
from peluit.core.submission import Finalization, SubmissionService
from peluit.review.content import decode_message
from peluit.review.reading import read_identity, read_report
from tests.support.factory import Team, finalization, make_team, submission_id
from tests.support.fakes import FixedClock, MemoryStore

pytestmark = pytest.mark.unit

KiB = 1024
TEAM = make_team()


@pytest.mark.parametrize(
    ("size", "want"),
    [
        (0, KiB),
        (KiB, KiB),
        (KiB + 1, 2 * KiB),
        (5000, 8 * KiB),
        (64 * KiB, 64 * KiB),
        (64 * KiB + 1, 128 * KiB),
        (129 * KiB, 192 * KiB),
        (960 * KiB, 960 * KiB),
    ],
)
def test_buckets_are_powers_of_two_to_64_kib_then_multiples_of_64_kib(size: int, want: int) -> None:
    assert padding.bucket(size) == want


def test_a_short_and_a_long_name_pad_to_the_same_length() -> None:
    short = padding.pad(json.dumps({"fields": {"name": "Ani"}}).encode())
    long = padding.pad(json.dumps({"fields": {"name": "Ani Wulandari " * 20}}).encode())
    assert len(short) == len(long) == KiB
    assert padding.unpad(short) == json.dumps({"fields": {"name": "Ani"}}).encode()


def test_an_unpadded_document_from_an_older_writer_still_reads() -> None:
    old = b'{"format":"peluit-identity/1","channel":"pengaduan","fields":{"reporter_name":"Ani"}}'
    assert padding.unpad(old) == old
    assert read_identity(old) is not None


@pytest.mark.parametrize(
    "tail",
    [b"x", b"\x00", b"\t", b"\n", b"\r\n"],
    ids=["letter", "nul", "tab", "newline", "crlf"],
)
def test_anything_but_spaces_after_the_document_is_refused(tail: bytes) -> None:
    document = b'{"format":"peluit-identity/1","channel":"pengaduan","fields":{}}'
    junk = padding.pad(document)[: KiB - len(tail)] + tail
    assert len(junk) == KiB
    with pytest.raises(padding.PaddingError):
        padding.unpad(junk)
    assert read_identity(junk) is None
    assert read_report(junk).document is None


def test_a_second_document_after_the_padding_is_refused() -> None:
    document = b'{"format":"peluit-identity/1","channel":"pengaduan","fields":{}}'
    junk = padding.pad(document)[: KiB - 2] + b"{}"
    with pytest.raises(padding.PaddingError):
        padding.unpad(junk)
    assert read_identity(junk) is None
    assert read_report(junk).document is None


def test_spaces_that_do_not_end_at_a_bucket_are_refused() -> None:
    with pytest.raises(padding.PaddingError):
        padding.unpad(b'{"a":1}' + b" " * 10)


def test_a_reporters_message_with_junk_after_its_padding_is_a_problem_not_text() -> None:
    document = json.dumps({"format": "peluit-message/1", "lang": "id", "text": "Halo", "files": []})
    good = decode_message(2, "pelapor", "thread/00002-pelapor.age", padding.pad(document.encode()))
    assert (good.text, good.problem) == ("Halo", None)
    junk = padding.pad(document.encode())[:-1] + b"\x1b"
    bad = decode_message(2, "pelapor", "thread/00002-pelapor.age", junk)
    assert bad.text is None
    assert bad.problem is not None


# -- the server --------------------------------------------------------------------------


def _service() -> tuple[SubmissionService, MemoryStore]:
    clock = FixedClock()
    store = MemoryStore(clock)
    return SubmissionService(TEAM.config, store, clock), store


def _sealed(team: Team, channel: str, document: bytes, identity: bool = False) -> bytes:
    recipients = team.identity_recipients(channel) if identity else team.report_recipients(channel)
    return age.encrypt(document, recipients)


def _fingerprint(channel: str) -> str:
    found = TEAM.config.channel(channel)
    assert found is not None
    return recipient_set.fingerprint(
        TEAM.config.report_recipients(found), TEAM.config.identity_recipients(found)
    )


REPORT = b'{"format":"peluit-report/1","answers":{"what":"suap"}}'
IDENTITY = b'{"format":"peluit-identity/1","fields":{"reporter_name":"Ani"}}'


def test_a_current_client_stores_only_bucket_sized_report_and_identity() -> None:
    service, store = _service()
    request = finalization(
        "pengaduan",
        _sealed(TEAM, "pengaduan", padding.pad(REPORT)),
        identity=_sealed(TEAM, "pengaduan", padding.pad(IDENTITY), identity=True),
    )
    receipt = service.finalize(
        submission_id(), _with_fingerprint(request, _fingerprint("pengaduan"))
    )
    for key in (f"cases/{receipt.case}/report.age", f"cases/{receipt.case}/identity.age"):
        stored = store.objects[key]
        assert padding.is_bucket(age.inspect(stored).payload_plaintext_size(len(stored)))


@pytest.mark.parametrize("which", ["report", "identity"])
def test_an_unpadded_document_with_a_fingerprint_is_refused_and_nothing_is_stored(
    which: str,
) -> None:
    service, store = _service()
    report = padding.pad(REPORT) if which != "report" else REPORT
    identity = padding.pad(IDENTITY) if which != "identity" else IDENTITY
    request = finalization(
        "pengaduan",
        _sealed(TEAM, "pengaduan", report),
        identity=_sealed(TEAM, "pengaduan", identity, identity=True),
    )
    with pytest.raises(errors.NotPaddedError) as raised:
        service.finalize(submission_id(), _with_fingerprint(request, _fingerprint("pengaduan")))
    assert store.objects == {}
    problem = problem_for(raised.value)
    assert problem is not None
    assert (problem.status, problem.code) == (400, "not_padded")


def test_a_client_from_before_padding_is_still_accepted() -> None:
    """Without the fingerprint (clients from before this version) nothing changes."""
    service, _ = _service()
    request = finalization("pengaduan", _sealed(TEAM, "pengaduan", REPORT))
    assert service.finalize(submission_id(), request).case


def test_a_stale_recipient_set_is_refused_with_reload_the_page() -> None:
    """Issue 18: a tab holding the channels.json from before a key swap encrypts to the old
    set; the count of stanzas still matches, the fingerprint does not."""
    service, store = _service()
    found = TEAM.config.channel("pengaduan")
    assert found is not None
    old_key = age.HybridIdentity.generate().recipient().encode()
    stale = recipient_set.fingerprint(
        [old_key, *TEAM.config.report_recipients(found)[1:]], TEAM.config.identity_recipients(found)
    )
    request = finalization("pengaduan", _sealed(TEAM, "pengaduan", padding.pad(REPORT)))
    with pytest.raises(errors.StaleRecipientsError) as raised:
        service.finalize(submission_id(), _with_fingerprint(request, stale))
    assert store.objects == {}
    problem = problem_for(raised.value)
    assert problem is not None
    assert (problem.status, problem.code) == (409, "stale_recipients")
    assert "Muat ulang halaman" in problem.id
    assert "Reload the page" in problem.en


def _with_fingerprint(request: Finalization, value: str) -> Finalization:
    return dataclasses.replace(request, recipients_sha256=value)
