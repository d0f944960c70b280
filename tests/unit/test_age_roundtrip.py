"""Whatever is encrypted decrypts to the same bytes, for every recipient type and API."""

from __future__ import annotations

import hashlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peluit import age
from peluit.age.stream import CHUNK_SIZE, sealed_size
from tests.support import agefiles
from tests.support.agefiles import MeteredReader

pytestmark = pytest.mark.unit

NONCE_SIZE = 16


def _bytes_of(size: int, seed: int) -> bytes:
    return hashlib.shake_256(seed.to_bytes(8, "big")).digest(size)


@st.composite
def plaintexts(draw: st.DrawFn) -> bytes:
    """Small random plaintexts, and sizes just around one, two and three 64 KiB chunks."""
    small = st.binary(max_size=200)
    near_chunks = st.builds(
        lambda k, delta, seed: _bytes_of(k * CHUNK_SIZE + delta, seed),
        st.integers(1, 3),
        st.integers(-2, 2),
        st.integers(0, 2**32),
    )
    return draw(st.one_of(small, near_chunks))


def _identity(kind: str) -> age.X25519Identity | age.HybridIdentity:
    return age.HybridIdentity.generate() if kind == "hybrid" else age.X25519Identity.generate()


KINDS = st.sampled_from(["x25519", "hybrid"])


@settings(max_examples=30, deadline=None)
@given(plaintext=plaintexts(), kind=KINDS)
def test_bytes_api_round_trips_for_both_key_types(plaintext: bytes, kind: str) -> None:
    identity = _identity(kind)
    ciphertext = age.encrypt(plaintext, [identity.recipient()])
    assert age.decrypt(ciphertext, [identity]) == plaintext


@settings(max_examples=20, deadline=None)
@given(plaintext=plaintexts(), kind=KINDS)
def test_stream_api_round_trips_through_bytesio(plaintext: bytes, kind: str) -> None:
    identity = _identity(kind)
    sealed = io.BytesIO()
    age.encrypt_stream(io.BytesIO(plaintext), sealed, [identity.recipient()])
    opened = io.BytesIO()
    age.decrypt_stream(io.BytesIO(sealed.getvalue()), opened, [identity])
    assert opened.getvalue() == plaintext


@settings(max_examples=15, deadline=None)
@given(plaintext=plaintexts(), max_read=st.integers(1, 5000))
def test_stream_api_round_trips_when_every_read_comes_back_short(
    plaintext: bytes, max_read: int
) -> None:
    identity = age.X25519Identity.generate()
    sealed = io.BytesIO()
    age.encrypt_stream(MeteredReader(plaintext, max_read), sealed, [identity.recipient()])
    opened = io.BytesIO()
    age.decrypt_stream(MeteredReader(sealed.getvalue(), max_read), opened, [identity])
    assert opened.getvalue() == plaintext


@settings(max_examples=15, deadline=None)
@given(plaintext=st.binary(max_size=300), count=st.integers(1, 5), kind=KINDS)
def test_every_one_of_several_recipients_decrypts_on_their_own(
    plaintext: bytes, count: int, kind: str
) -> None:
    identities = [_identity(kind) for _ in range(count)]
    ciphertext = age.encrypt(plaintext, [i.recipient() for i in identities])
    assert age.inspect(ciphertext).recipient_count == count
    for identity in identities:
        assert age.decrypt(ciphertext, [identity]) == plaintext


@settings(max_examples=10, deadline=None)
@given(plaintext=st.binary(max_size=300), passphrase=st.text(min_size=1, max_size=40))
def test_scrypt_passphrase_round_trips(plaintext: bytes, passphrase: str) -> None:
    ciphertext = age.encrypt(plaintext, [age.ScryptRecipient(passphrase, work_factor=2)])
    assert age.inspect(ciphertext).stanza_types == ("scrypt",)
    assert age.decrypt(ciphertext, [age.ScryptIdentity(passphrase)]) == plaintext


def test_scrypt_file_with_a_large_chunked_payload_round_trips() -> None:
    plaintext = _bytes_of(2 * CHUNK_SIZE + 1, 7)
    ciphertext = age.encrypt(plaintext, [age.ScryptRecipient("correct horse", work_factor=2)])
    assert age.decrypt(ciphertext, [age.ScryptIdentity("correct horse")]) == plaintext


def test_wrong_passphrase_finds_no_match() -> None:
    ciphertext = age.encrypt(b"report", [age.ScryptRecipient("right", work_factor=2)])
    with pytest.raises(age.NoMatchError):
        age.decrypt(ciphertext, [age.ScryptIdentity("wrong")])


@pytest.mark.parametrize("kind", ["x25519", "hybrid"])
def test_unrelated_identity_finds_no_match(kind: str) -> None:
    ciphertext = age.encrypt(b"report", [_identity(kind).recipient()])
    with pytest.raises(age.NoMatchError):
        age.decrypt(ciphertext, [_identity(kind)])


def test_no_identities_finds_no_match() -> None:
    ciphertext = age.encrypt(b"report", [age.X25519Identity.generate().recipient()])
    with pytest.raises(age.NoMatchError):
        age.decrypt(ciphertext, [])


def test_matching_identity_is_found_among_unrelated_ones_of_every_type() -> None:
    mine = age.HybridIdentity.generate()
    ciphertext = age.encrypt(b"report", [mine.recipient()])
    others: list[age.Identity] = [
        age.X25519Identity.generate(),
        age.HybridIdentity.generate(),
        age.ScryptIdentity("not this one"),
    ]
    assert age.decrypt(ciphertext, [*others, mine]) == b"report"


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE])
def test_file_size_is_header_nonce_and_sealed_payload(size: int) -> None:
    ciphertext = age.encrypt(bytes(size), [age.X25519Identity.generate().recipient()])
    header_length = age.inspect(ciphertext).header_length
    assert len(ciphertext) == header_length + NONCE_SIZE + sealed_size(size)


def test_encrypting_the_same_plaintext_twice_gives_unrelated_files() -> None:
    recipient = age.X25519Identity.generate().recipient()
    first, second = age.encrypt(b"same", [recipient]), age.encrypt(b"same", [recipient])
    assert first != second
    assert first[-32:] != second[-32:]


def test_iter_encrypt_pieces_join_to_a_file_that_decrypts() -> None:
    identity = age.HybridIdentity.generate()
    plaintext = _bytes_of(CHUNK_SIZE + 5, 1)
    pieces = list(age.iter_encrypt(io.BytesIO(plaintext), [identity.recipient()]))
    assert age.decrypt(b"".join(pieces), [identity]) == plaintext


def test_file_encrypted_to_sixty_four_hybrid_recipients_fits_the_default_limits() -> None:
    identities = [age.HybridIdentity.generate() for _ in range(age.HeaderLimits().max_stanzas)]
    ciphertext = age.encrypt(b"report", [i.recipient() for i in identities])
    assert age.inspect(ciphertext).header_length < age.HeaderLimits().max_bytes
    assert age.decrypt(ciphertext, [identities[-1]]) == b"report"


def test_stanzas_of_unknown_types_are_skipped() -> None:
    identity = age.X25519Identity.generate()
    stanzas = (
        agefiles.stanza(b"grease-42 x !#$%&'*+ ~~", b"AAAA")
        + agefiles.wrapped(identity.recipient())
        + agefiles.stanza(b"another-grease", b"")
    )
    data = agefiles.age_file(stanzas, b"kept")
    assert age.decrypt(data, [identity]) == b"kept"


def test_hand_built_reference_file_decrypts_with_the_known_file_key() -> None:
    # guards the helpers the hostile tests rely on: a crafted file is a valid file
    identity = age.HybridIdentity.generate()
    plaintext = _bytes_of(CHUNK_SIZE + 3, 2)
    data = agefiles.age_file(agefiles.wrapped(identity.recipient()), plaintext)
    assert age.decrypt(data, [identity]) == plaintext
