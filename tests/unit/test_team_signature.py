"""The review team's signatures on its messages to the reporter, pure (issue 18): the
statement, its binding to case, number, day and ciphertext, and a thread message that takes
exactly the number it was signed for."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from peluit.core import padding, thread
from peluit.core import team_signature as ts
from peluit.core.errors import ThreadMovedError
from peluit.review import compose
from peluit.review.content import ReplyFormatError, decode_reply
from tests.support.fakes import FixedClock, MemoryStore

pytestmark = pytest.mark.unit

CASE = "k3v92m7qx0ab4fzt"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
SEALED = b"age-encryption.org/v1\n(a sealed reply)"
# The same vector is checked by js/test/team-signature.test.js: both sides sign one statement.
VECTOR_SIGNATURE = (
    "cca1b0b0d11ba402f43e62f5fb672a1394c3294d23dbbb21b6c5b8cf32854e66"
    "32a75e73ae3c8cf18ecd0a6beefee8fdd507ace4f50b72de9366cf1f64158800"
)


def test_the_statement_names_case_number_day_and_the_ciphertexts_sha256() -> None:
    digest = hashlib.sha256(SEALED).hexdigest()
    assert (
        ts.statement(CASE, 7, "2026-12-06", SEALED)
        == (f"peluit-team/1\ncase {CASE}\nseq 7\non 2026-12-06\nmessage {digest}\n").encode()
    )


@pytest.mark.parametrize(
    ("case", "seq", "on"),
    [("K3V9-2M7Q-X0AB-4FZT", 1, "2026-12-06"), (CASE, 0, "2026-12-06"), (CASE, 1, "6/12/2026")],
)
def test_a_statement_for_no_real_place_cannot_be_made(case: str, seq: int, on: str) -> None:
    with pytest.raises(ValueError, match=r"case id|number|day"):
        ts.statement(case, seq, on, SEALED)


def test_a_signature_verifies_only_for_its_own_case_number_day_and_ciphertext() -> None:
    signature = ts.sign(KEY, ts.statement(CASE, 7, "2026-12-06", SEALED))
    public = KEY.public_key()
    assert ts.verify(public, signature, ts.statement(CASE, 7, "2026-12-06", SEALED))
    for moved in (
        ts.statement("a" * 16, 7, "2026-12-06", SEALED),
        ts.statement(CASE, 8, "2026-12-06", SEALED),
        ts.statement(CASE, 7, "2026-12-07", SEALED),
        ts.statement(CASE, 7, "2026-12-06", SEALED + b"x"),
    ):
        assert not ts.verify(public, signature, moved)
    assert not ts.verify(public, signature[:63], ts.statement(CASE, 7, "2026-12-06", SEALED))


def test_any_of_the_channels_reviewers_may_have_signed_and_no_one_else() -> None:
    other = Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key()
    text = ts.statement(CASE, 1, "2026-12-06", SEALED)
    signature = ts.sign(KEY, text)
    assert ts.signed_by_any([other, KEY.public_key()], signature, text)
    assert not ts.signed_by_any([other], signature, text)
    assert not ts.signed_by_any([], signature, text)


def test_the_vector_both_languages_check() -> None:
    text = ts.statement(CASE, 3, "2026-12-06", SEALED)
    assert ts.sign(KEY, text).hex() == VECTOR_SIGNATURE


def test_a_signed_message_takes_exactly_its_number_or_nothing() -> None:
    store = MemoryStore(FixedClock())
    assert thread.next_seq(store, CASE) == 1
    first = thread.append(store, CASE, "rina", b"one", day="2026-12-06", seq=1)
    assert first.seq == 1
    assert thread.next_seq(store, CASE) == 2
    for taken in (1, 3):  # already used; not the next one (a gap)
        with pytest.raises(ThreadMovedError):
            thread.append(store, CASE, "rina", b"two", day="2026-12-06", seq=taken)
    assert [m.seq for m in thread.messages(store, CASE)] == [1]
    sig = bytes(64)
    second = thread.append(store, CASE, "rina", b"two", day="2026-12-06", signature=sig, seq=2)
    assert thread.day_and_signature(store, CASE, second.seq) == ("2026-12-06", sig.hex())


def test_a_number_claimed_by_someone_else_meanwhile_is_a_moved_thread() -> None:
    store = MemoryStore(FixedClock())
    thread.append(store, CASE, "pelapor", b"reporter", day="2026-12-06")
    with pytest.raises(ThreadMovedError):
        thread.append(store, CASE, "rina", b"mine", day="2026-12-06", seq=1)


def test_a_team_reply_is_padded_to_a_bucket_and_read_strictly() -> None:
    document = compose.reply_document("Mohon kirim foto kontraknya.")
    assert padding.is_bucket(len(document))
    assert decode_reply(document).text == "Mohon kirim foto kontraknya."
    bare = padding.unpad(document)
    assert decode_reply(bare).text == "Mohon kirim foto kontraknya."  # written before padding
    for tail in (b" " * 10, b"\n", b"\t" + b" " * 200):
        with pytest.raises(ReplyFormatError):
            decode_reply(bare + tail)
