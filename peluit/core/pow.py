"""Proof of work on the public API, hashcash-style, without remembering anyone.

The browser does a little work before each public POST and the server checks it with one
hash; nothing is issued, stored or counted per client (docs/adr/0009-proof-of-work.md):

    challenge = SHA-256("peluit-pow/1\\n" METHOD " " PATH "\\n" hex(SHA-256(body)) "\\n" bucket)
    proof     = 8 bytes with SHA-256(challenge || proof) starting with `bits` zero bits

`bucket` is the ten-minute UTC window (`unix seconds // 600`); the current and the previous
one are accepted. The request carries `?pow=<bucket>-<16 hex digits>-<64 hex digits>` (a
query parameter, because the CDN forwards query strings but only the headers it is told to):
the last part is hex(SHA-256(body)), the body's digest as the challenge holds it, so the CDN's
viewer-request function, which never sees the body, can check the work before the request
reaches the API (peluit/edge/api_function.js, docs/adr/0025-proof-of-work-at-the-edge.md);
the API checks the digest against the body. A proof is bound to the endpoint, the exact body
and the time, so it cannot serve another request; replaying the same request within the
window repeats a request that is idempotent or create-only. The browser's side is
`js/src/pow.js`. The API still takes the older two-part value (no digest), which the edge
refuses: tabs opened before the change get `pow_invalid` there and solve again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from .dates import Clock
from .errors import PowExpiredError, PowInvalidError, PowRequiredError

LABEL = "peluit-pow/1"
BUCKET_SECONDS = 600
QUERY = "pow"
NONCE_BYTES = 8
MAX_BITS = 64
_VALUE = re.compile(r"([0-9]{1,12})-([0-9a-f]{16})(?:-([0-9a-f]{64}))?")


def bucket_of(moment: datetime) -> int:
    """The ten-minute UTC window a moment falls in."""
    return int(moment.timestamp()) // BUCKET_SECONDS


def challenge(method: str, path: str, body: bytes, bucket: int) -> bytes:
    """The 32 bytes a proof is searched against: endpoint, body and time bucket."""
    return challenge_for_digest(method, path, hashlib.sha256(body).hexdigest(), bucket)


def challenge_for_digest(method: str, path: str, body_sha256_hex: str, bucket: int) -> bytes:
    """The same challenge from the body's digest (lower-case hex) instead of the body: what
    the edge computes from the digest the proof carries."""
    text = f"{LABEL}\n{method.upper()} {path}\n{body_sha256_hex}\n{bucket}"
    return hashlib.sha256(text.encode()).digest()


def leading_zero_bits(digest: bytes) -> int:
    number = int.from_bytes(digest, "big")
    return len(digest) * 8 - number.bit_length()


def meets(challenge_bytes: bytes, nonce: bytes, bits: int) -> bool:
    return leading_zero_bits(hashlib.sha256(challenge_bytes + nonce).digest()) >= bits


@dataclass(frozen=True)
class Proof:
    bucket: int
    nonce: bytes
    body_sha256: bytes | None = None  # the body's digest, for the edge (None: an older client)

    @classmethod
    def parse(cls, value: str) -> Proof | None:
        match = _VALUE.fullmatch(value)
        if match is None:
            return None
        digest = bytes.fromhex(match.group(3)) if match.group(3) else None
        return cls(int(match.group(1)), bytes.fromhex(match.group(2)), digest)

    def __str__(self) -> str:
        value = f"{self.bucket}-{self.nonce.hex()}"
        return value if self.body_sha256 is None else f"{value}-{self.body_sha256.hex()}"


def solve(method: str, path: str, body: bytes, bits: int, bucket: int) -> Proof:
    """Find a proof (for tests and tools: about a million tries a second in Python)."""
    if not 0 <= bits <= MAX_BITS:
        raise ValueError(f"bits must be between 0 and {MAX_BITS}")
    base = challenge(method, path, body, bucket)
    for counter in range(1 << 63):
        nonce = counter.to_bytes(NONCE_BYTES, "big")
        if meets(base, nonce, bits):
            return Proof(bucket, nonce, hashlib.sha256(body).digest())
    raise AssertionError("unreachable")  # pragma: no cover


class ProofOfWork:
    """Checks the proof a request carries; `bits` from `limits.pow_bits`."""

    def __init__(self, bits: int, clock: Clock) -> None:
        if not 1 <= bits <= MAX_BITS:
            raise ValueError(f"bits must be between 1 and {MAX_BITS}")
        self.bits = bits
        self._clock = clock

    def current_bucket(self) -> int:
        return bucket_of(self._clock())

    def check(self, method: str, path: str, body: bytes, value: str | None) -> None:
        """Return if `value` is a proof for this request now; else raise (the error carries
        the difficulty and the server's bucket, so a client with a wrong clock can redo it)."""
        now = self.current_bucket()
        if value is None or value == "":
            raise PowRequiredError("this request needs a proof of work", self.bits, now)
        proof = Proof.parse(value)
        if proof is None:
            raise PowInvalidError("the proof of work is malformed", self.bits, now)
        if proof.bucket not in (now, now - 1):
            raise PowExpiredError(
                "the proof of work was made for another time window", self.bits, now
            )
        digest = hashlib.sha256(body).digest()
        if proof.body_sha256 is not None and proof.body_sha256 != digest:
            # the edge checked the work against this digest: it must be the body's own
            raise PowInvalidError("the proof of work names another body's digest", self.bits, now)
        if not meets(challenge(method, path, body, proof.bucket), proof.nonce, self.bits):
            raise PowInvalidError(
                "the proof of work does not match this request or is too easy", self.bits, now
            )
