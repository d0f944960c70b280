"""The proof of work: the committed vectors (shared with js/src/pow.js), and what is accepted."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from peluit.core.errors import PowExpiredError, PowInvalidError, PowRequiredError
from peluit.core.pow import (
    Proof,
    ProofOfWork,
    bucket_of,
    challenge,
    leading_zero_bits,
    meets,
    solve,
)
from tests.support.fakes import FixedClock

pytestmark = pytest.mark.unit

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parents[1] / "vectors" / "pow-v1.json").read_text()
)["vectors"]
PATH = "/api/v1/followup/status"


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["path"])
def test_committed_vectors(vector: dict[str, Any]) -> None:
    body = bytes.fromhex(vector["body_hex"])
    base = challenge(vector["method"], vector["path"], body, vector["bucket"])
    assert base.hex() == vector["challenge"]
    nonce = bytes.fromhex(vector["nonce"])
    digest = hashlib.sha256(base + nonce).digest()
    assert leading_zero_bits(digest) == vector["leading_zero_bits"] >= vector["bits"]
    proof = solve(vector["method"], vector["path"], body, vector["bits"], vector["bucket"])
    assert str(proof) == vector["value"]  # the first nonce from 0: the JS search finds it too


def test_leading_zero_bits() -> None:
    assert leading_zero_bits(b"\x00" * 32) == 256
    assert leading_zero_bits(b"\x80" + b"\x00" * 31) == 0
    assert leading_zero_bits(b"\x00\x01" + b"\xff" * 30) == 15


def test_proof_parsing_is_strict() -> None:
    assert Proof.parse("12-00000000000000ff") == Proof(12, b"\x00" * 7 + b"\xff")
    for bad in ("", "12", "12-", "-00000000000000ff", "12-00000000000000FF", "12-0ff", "a-b"):
        assert Proof.parse(bad) is None


def test_a_proof_is_accepted_in_its_window_and_the_next_only() -> None:
    clock = FixedClock()
    pow = ProofOfWork(6, clock)
    body = b'{"token":"00"}'
    now = bucket_of(clock())
    for bucket in (now, now - 1):
        pow.check("POST", PATH, body, str(solve("POST", PATH, body, 6, bucket)))
    for bucket in (now + 1, now - 2):
        with pytest.raises(PowExpiredError) as refused:
            pow.check("POST", PATH, body, str(solve("POST", PATH, body, 6, bucket)))
        assert (refused.value.bits, refused.value.bucket) == (6, now)
    proof = str(solve("POST", PATH, body, 6, now))
    clock.advance(timedelta(minutes=20))
    with pytest.raises(PowExpiredError):
        pow.check("POST", PATH, body, proof)


def test_a_proof_serves_only_its_own_request() -> None:
    clock = FixedClock()
    pow = ProofOfWork(8, clock)
    body = b'{"token":"00"}'
    proof = solve("POST", PATH, body, 8, bucket_of(clock()))
    pow.check("POST", PATH, body, str(proof))
    for method, path, other in (
        ("POST", "/api/v1/followup/messages", body),
        ("POST", PATH, body + b" "),
        ("PUT", PATH, body),
    ):
        if not meets(challenge(method, path, other, proof.bucket), proof.nonce, 8):
            with pytest.raises(PowInvalidError):
                pow.check(method, path, other, str(proof))


def test_missing_and_malformed_proofs() -> None:
    pow = ProofOfWork(4, FixedClock())
    for value in (None, ""):
        with pytest.raises(PowRequiredError):
            pow.check("POST", PATH, b"", value)
    with pytest.raises(PowInvalidError):
        pow.check("POST", PATH, b"", "not a proof")


def test_difficulty_bounds() -> None:
    for bits in (0, 65):
        with pytest.raises(ValueError, match="bits"):
            ProofOfWork(bits, FixedClock())


def test_the_value_carries_the_bodys_digest_and_a_wrong_one_is_refused() -> None:
    """The edge checks the work against the digest the value carries (it never sees the
    body), so the API must refuse a value whose digest is not its body's own."""
    clock = FixedClock()
    pow = ProofOfWork(6, clock)
    body, other = b'{"token":"00"}', b'{"token":"11"}'
    proof = solve("POST", PATH, body, 6, bucket_of(clock()))
    assert proof.body_sha256 == hashlib.sha256(body).digest()
    assert str(proof).endswith("-" + hashlib.sha256(body).hexdigest())
    assert Proof.parse(str(proof)) == proof
    pow.check("POST", PATH, body, str(proof))
    forged = Proof(proof.bucket, proof.nonce, hashlib.sha256(other).digest())
    with pytest.raises(PowInvalidError, match="another body"):
        pow.check("POST", PATH, body, str(forged))
    # an older client's two-part value still reaches the API's own check of the body
    pow.check("POST", PATH, body, str(Proof(proof.bucket, proof.nonce)))
