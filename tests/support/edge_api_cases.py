"""One table of requests for the API's CloudFront Function (proof of work at the edge):
tests/unit/test_edge_api_function.py checks the Python twin against it,
tests/functional/test_edge_function_node.py runs the JavaScript under node over the same rows
and requires the same answers. The stamps are made by the API's own code (peluit/core/pow.py),
so what the API's clients send is what the edge accepts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from peluit.core.pow import Proof, challenge, leading_zero_bits, meets, solve

BITS = 8
SECONDS = 1_800_000_123.0  # the edge's clock for every row
NOW = int(SECONDS // 600)
BODY = b'{"token":"abababababababababababababababababababababababababababababababab"}'
OTHER_BODY = b'{"token":"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"}'
STATUS = "/api/v1/followup/status"
FINALIZE = "/api/v1/submissions/0123456789abcdef0123456789abcdef/finalize"


@dataclass(frozen=True)
class Row:
    method: str
    uri: str
    values: tuple[str, ...]  # the request's `pow` query values
    expected: str | None  # the refusal code, or None: the request goes to the API


def _stamp(path: str, body: bytes, bucket: int) -> str:
    return str(solve("POST", path, body, BITS, bucket))


def _weak(path: str, body: bytes) -> str:
    """A stamp for this very request whose work has one zero bit too few."""
    base = challenge("POST", path, body, NOW)
    nonce = next(
        n
        for n in (c.to_bytes(8, "big") for c in range(1 << 20))
        if leading_zero_bits(hashlib.sha256(base + n).digest()) == BITS - 1
    )
    return str(Proof(NOW, nonce, hashlib.sha256(body).digest()))


def _digest_swapped() -> str:
    """Work done for OTHER_BODY, carrying BODY's digest (a flood that reuses one solution)."""
    proof = solve("POST", STATUS, OTHER_BODY, BITS, NOW)
    swapped = Proof(NOW, proof.nonce, hashlib.sha256(BODY).digest())
    assert not meets(challenge("POST", STATUS, BODY, NOW), proof.nonce, BITS)
    return str(swapped)


GOOD = _stamp(STATUS, BODY, NOW)
ROWS: dict[str, Row] = {
    "now": Row("POST", STATUS, (GOOD,), None),
    "previous window": Row("POST", STATUS, (_stamp(STATUS, BODY, NOW - 1),), None),
    "finalize": Row("POST", FINALIZE, (_stamp(FINALIZE, b"{}", NOW),), None),
    # the edge never sees the body: work for a made-up body passes it, and the API refuses
    # the digest against the real body (tests/functional/test_serve_edge_pow.py)
    "made-up body": Row("POST", STATUS, (_stamp(STATUS, OTHER_BODY, NOW),), None),
    "none": Row("POST", STATUS, (), "pow_required"),
    "empty": Row("POST", FINALIZE, ("",), "pow_required"),
    "two windows ago": Row("POST", STATUS, (_stamp(STATUS, BODY, NOW - 2),), "pow_expired"),
    "next window": Row("POST", STATUS, (_stamp(STATUS, BODY, NOW + 1),), "pow_expired"),
    "malformed": Row("POST", STATUS, ("12-zz",), "pow_invalid"),
    "without digest": Row("POST", STATUS, (GOOD.rsplit("-", 1)[0],), "pow_invalid"),
    "upper-case": Row("POST", STATUS, (GOOD.upper(),), "pow_invalid"),
    "another path": Row("POST", FINALIZE, (GOOD,), "pow_invalid"),
    "too few bits": Row("POST", STATUS, (_weak(STATUS, BODY),), "pow_invalid"),
    "digest swapped": Row("POST", STATUS, (_digest_swapped(),), "pow_invalid"),
    "given twice": Row("POST", STATUS, (GOOD, GOOD), "pow_invalid"),
    "unknown public path": Row("POST", "/api/v1/anything", (), "pow_required"),
    "reviewer API": Row("POST", "/api/v1/review/cases/x/status", (), None),
    "a GET": Row("GET", "/api/v1/openapi.json", (), None),
    "a PUT": Row("PUT", STATUS, (), None),
}
