"""Recipient rules on the way in, and what a keyless server can check on the way out."""

from __future__ import annotations

import dataclasses
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peluit import age
from peluit.age import b64
from peluit.age.stream import (
    CHUNK_SIZE,
    SEALED_CHUNK_SIZE,
    TAG_SIZE,
    plaintext_size,
    sealed_size,
)
from tests.support import agefiles

pytestmark = pytest.mark.unit

NONCE_SIZE = 16
HYBRID = "mlkem768x25519"
PQ = [age.HybridIdentity(bytes([n]) * 32) for n in range(3)]
X = [age.X25519Identity(bytes([n + 1]) * 32) for n in range(2)]


def _scrypt() -> age.ScryptRecipient:
    return age.ScryptRecipient("passphrase", work_factor=2)


# --- encrypting: which recipient sets are allowed ----------------------------------------------


MIXES: dict[str, list[age.Recipient]] = {
    "hybrid then X25519": [PQ[0].recipient(), X[0].recipient()],
    "X25519 then hybrid": [X[0].recipient(), PQ[0].recipient()],
    "two hybrid, one X25519": [PQ[0].recipient(), X[0].recipient(), PQ[1].recipient()],
}


@pytest.mark.parametrize("recipients", MIXES.values(), ids=MIXES.keys())
def test_encrypting_to_a_hybrid_and_x25519_mix_is_refused(recipients: list[age.Recipient]) -> None:
    with pytest.raises(age.RecipientPolicyError, match="mix"):
        age.encrypt(b"report", recipients)


def test_refused_mix_writes_nothing_to_the_output_stream() -> None:
    out = io.BytesIO()
    with pytest.raises(age.RecipientPolicyError):
        age.encrypt_stream(io.BytesIO(b"report"), out, MIXES["hybrid then X25519"])
    assert out.getvalue() == b""


def test_iter_encrypt_refuses_a_mix_before_yielding_anything() -> None:
    pieces = age.iter_encrypt(io.BytesIO(b"report"), MIXES["X25519 then hybrid"])
    with pytest.raises(age.RecipientPolicyError):
        next(pieces)


SCRYPT_WITH_OTHERS: dict[str, list[age.Recipient]] = {
    "scrypt and X25519": [_scrypt(), X[0].recipient()],
    "X25519 and scrypt": [X[0].recipient(), _scrypt()],
    "scrypt and hybrid": [_scrypt(), PQ[0].recipient()],
    "hybrid and scrypt": [PQ[0].recipient(), _scrypt()],
    "two scrypt": [_scrypt(), _scrypt()],
}


@pytest.mark.parametrize("recipients", SCRYPT_WITH_OTHERS.values(), ids=SCRYPT_WITH_OTHERS.keys())
def test_scrypt_with_another_recipient_is_refused(recipients: list[age.Recipient]) -> None:
    with pytest.raises(age.RecipientPolicyError, match="passphrase"):
        age.encrypt(b"report", recipients)


def test_no_recipients_is_refused() -> None:
    with pytest.raises(age.RecipientPolicyError):
        age.encrypt(b"report", [])
    out = io.BytesIO()
    with pytest.raises(age.RecipientPolicyError):
        age.encrypt_stream(io.BytesIO(b"report"), out, [])
    assert out.getvalue() == b""


@pytest.mark.parametrize(
    "recipients",
    [[PQ[0].recipient(), PQ[1].recipient()], [X[0].recipient(), X[1].recipient()], [_scrypt()]],
    ids=["all hybrid", "all X25519", "scrypt alone"],
)
def test_homogeneous_recipient_sets_are_accepted(recipients: list[age.Recipient]) -> None:
    assert age.inspect(age.encrypt(b"report", recipients)).recipient_count == len(recipients)


def test_invalid_scrypt_recipient_parameters_are_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="empty"):
        age.ScryptRecipient("")
    for work_factor in (0, 31):
        with pytest.raises(ValueError, match="work factor"):
            age.ScryptRecipient("p", work_factor=work_factor)


# --- inspect: the header's shape, without keys -------------------------------------------------


def _header_length_by_hand(data: bytes) -> int:
    mac_line = data.index(b"\n--- ") + 1
    return data.index(b"\n", mac_line) + 1


@pytest.mark.parametrize("count", [1, 2, 3])
def test_inspect_reports_stanza_types_count_and_header_length_of_a_hybrid_file(
    count: int,
) -> None:
    data = age.encrypt(b"report", [i.recipient() for i in PQ[:count]])
    info = age.inspect(data)
    assert info.stanza_types == (HYBRID,) * count
    assert info.recipient_count == count
    assert info.header_length == _header_length_by_hand(data)


@pytest.mark.parametrize(
    ("recipients", "types"),
    [([X[0].recipient(), X[1].recipient()], ("X25519", "X25519")), ([_scrypt()], ("scrypt",))],
    ids=["X25519", "scrypt"],
)
def test_inspect_reports_other_stanza_types(
    recipients: list[age.Recipient], types: tuple[str, ...]
) -> None:
    data = age.encrypt(b"report", recipients)
    info = age.inspect(data)
    assert info.stanza_types == types
    assert info.header_length == _header_length_by_hand(data)


def test_inspect_accepts_a_stream_and_reads_only_the_header() -> None:
    data = age.encrypt(bytes(5 * CHUNK_SIZE), [PQ[0].recipient()])
    src = agefiles.MeteredReader(data)
    info = age.inspect(src)
    assert info == age.inspect(data)
    assert src.bytes_read < info.header_length + CHUNK_SIZE


def test_inspect_reports_only_the_header_shape_and_no_key_material() -> None:
    data = age.encrypt(b"report", [PQ[0].recipient()])
    info = age.inspect(data)
    assert {f.name for f in dataclasses.fields(info)} == {"stanza_types", "header_length"}


def test_inspect_reports_grease_and_mixed_types_in_header_order() -> None:
    stanzas = (
        agefiles.wrapped(PQ[0].recipient())
        + agefiles.stanza(b"grease-x a b", b"")
        + agefiles.wrapped(X[0].recipient())
    )
    info = age.inspect(agefiles.age_file(stanzas))
    assert info.stanza_types == (HYBRID, "grease-x", "X25519")


# --- require_hybrid_recipients ----------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_require_hybrid_recipients_accepts_the_exact_count(count: int) -> None:
    data = age.encrypt(b"report", [i.recipient() for i in PQ[:count]])
    age.require_hybrid_recipients(age.inspect(data), count)


@pytest.mark.parametrize("expected", [0, 1, 3, 4])
def test_require_hybrid_recipients_refuses_a_wrong_count(expected: int) -> None:
    info = age.inspect(age.encrypt(b"report", [PQ[0].recipient(), PQ[1].recipient()]))
    with pytest.raises(age.RecipientPolicyError, match="exactly"):
        age.require_hybrid_recipients(info, expected)


NON_HYBRID: dict[str, bytes] = {
    "X25519 only": agefiles.wrapped(X[0].recipient()),
    "X25519 among hybrid": (
        agefiles.wrapped(PQ[0].recipient())
        + agefiles.wrapped(X[0].recipient())
        + agefiles.wrapped(PQ[1].recipient())
    ),
    "scrypt": agefiles.stanza(b"scrypt " + b64.encode(bytes(16)) + b" 2", b64.encode(bytes(32))),
    "grease among hybrid": agefiles.wrapped(PQ[0].recipient()) + agefiles.stanza(b"grease", b""),
    "upper-case hybrid type": agefiles.wrapped(PQ[0].recipient()).replace(
        HYBRID.encode(), HYBRID.upper().encode()
    ),
}


@pytest.mark.parametrize("stanzas", NON_HYBRID.values(), ids=NON_HYBRID.keys())
def test_require_hybrid_recipients_refuses_any_non_hybrid_stanza_even_at_the_right_count(
    stanzas: bytes,
) -> None:
    info = age.inspect(agefiles.age_file(stanzas))
    with pytest.raises(age.RecipientPolicyError, match="only"):
        age.require_hybrid_recipients(info, info.recipient_count)


# --- sizes -------------------------------------------------------------------------------------


SIZES = [0, 1, 100, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 2 * CHUNK_SIZE + 7]


@pytest.mark.parametrize("size", SIZES)
def test_payload_plaintext_size_matches_real_files(size: int) -> None:
    data = age.encrypt(bytes(size), [PQ[0].recipient(), PQ[1].recipient()])
    assert age.inspect(data).payload_plaintext_size(len(data)) == size


def _impossible_file_sizes(header_length: int) -> list[int]:
    payload_at = header_length + NONCE_SIZE
    return [
        0,
        header_length,
        payload_at - 1,  # inside the nonce
        payload_at,  # no chunk at all
        payload_at + TAG_SIZE - 1,  # less than a tag
        payload_at + SEALED_CHUNK_SIZE + 1,  # a full chunk, then 1 byte
        payload_at + SEALED_CHUNK_SIZE + TAG_SIZE - 1,
        payload_at + SEALED_CHUNK_SIZE + TAG_SIZE,  # an empty final chunk after a full one
        payload_at + 3 * SEALED_CHUNK_SIZE + TAG_SIZE,
    ]


def test_payload_plaintext_size_refuses_impossible_file_sizes() -> None:
    info = age.inspect(age.encrypt(b"", [PQ[0].recipient()]))
    for file_size in _impossible_file_sizes(info.header_length):
        with pytest.raises(age.PayloadError):
            info.payload_plaintext_size(file_size)


def test_payload_plaintext_size_at_the_smallest_possible_file_is_zero() -> None:
    info = age.inspect(age.encrypt(b"", [PQ[0].recipient()]))
    assert info.payload_plaintext_size(info.header_length + NONCE_SIZE + TAG_SIZE) == 0


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**48))
def test_plaintext_size_inverts_sealed_size(size: int) -> None:
    assert plaintext_size(sealed_size(size)) == size


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.integers(0, 2**48),
        st.builds(
            lambda k, d: max(k * SEALED_CHUNK_SIZE + d, 0),
            st.integers(0, 5),
            st.integers(-TAG_SIZE - 1, TAG_SIZE + 1),
        ),
    )
)
def test_sealed_size_inverts_plaintext_size_wherever_it_is_defined(sealed: int) -> None:
    try:
        size = plaintext_size(sealed)
    except age.PayloadError:
        # impossible sizes are exactly those that no plaintext seals to
        around = sealed * CHUNK_SIZE // SEALED_CHUNK_SIZE
        assert all(sealed_size(n) != sealed for n in range(max(around - 40, 0), around + 40))
    else:
        assert sealed_size(size) == sealed


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**40))
def test_sealed_size_grows_by_a_tag_at_each_new_chunk(size: int) -> None:
    step = sealed_size(size + 1) - sealed_size(size)
    assert step == (1 + TAG_SIZE if size % CHUNK_SIZE == 0 and size > 0 else 1)


@pytest.mark.parametrize("sealed", [-1, -TAG_SIZE - 1])
def test_plaintext_size_refuses_negative_sizes(sealed: int) -> None:
    with pytest.raises(age.PayloadError):
        plaintext_size(sealed)
