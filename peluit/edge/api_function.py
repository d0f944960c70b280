"""The API's CloudFront Function in Python: the twin `peluit serve` runs for `/api/*`.

`api_function.js` (beside this file) is what CloudFront runs on the `/api/*` behaviour at
viewer-request: it checks the proof of work of a public POST before the request reaches API
Gateway and its throttle (docs/adr/0025-proof-of-work-at-the-edge.md). These functions decide
exactly what it decides, line for line; tests/unit/test_edge_api_function.py checks them and
tests/functional/test_edge_function_node.py runs both over one table of cases.

The stamp is `<bucket>-<16 hex>-<64 hex>` (peluit/core/pow.py): the last part is the body's
SHA-256, which the edge cannot read but can check the work against; the API then checks that
digest against the body, so work done for a made-up digest never gets further than the API's
first check.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import EdgeError

SOURCE = Path(__file__).with_name("api_function.js")
BITS_PLACEHOLDER = "@POW_BITS@"  # in the JavaScript: where the difficulty goes
PARAMETER = "PowBits"  # the template's parameter, set by `peluit deploy` from `limits.pow_bits`
LABEL = "peluit-pow/1"
BUCKET_SECONDS = 600
REVIEW_PREFIX = "/api/v1/review/"
_STAMP = re.compile(r"([0-9]{1,12})-([0-9a-f]{16})-([0-9a-f]{64})")
# code → (Indonesian, English, detail): the API's own answers (peluit/api/errors.py, the core's
# messages), so a browser cannot tell which of the two refused it.
PROBLEMS: Mapping[str, tuple[str, str, str]] = {
    "pow_required": (
        "Permintaan ini harus disertai bukti kerja dari peramban. Muat ulang halaman, coba lagi.",
        "This request must carry a proof of work from the browser. Reload the page and try again.",
        "this request needs a proof of work",
    ),
    "pow_invalid": (
        "Bukti kerja dari peramban tidak sah untuk permintaan ini. Muat ulang halaman, coba lagi.",
        "The browser's proof of work is not valid for this request. Reload the page and try again.",
        "the proof of work does not match this request or is too easy",
    ),
    "pow_expired": (
        "Bukti kerja sudah kedaluwarsa, atau jam perangkat Anda tidak tepat. Coba lagi.",
        "The proof of work has expired, or your device's clock is wrong. Try again.",
        "the proof of work was made for another time window",
    ),
}


@dataclass(frozen=True)
class Refusal:
    """What the function answers instead of passing the request on."""

    status: int
    body: bytes
    headers: Mapping[str, str]


def paid(method: str, uri: str) -> bool:
    """Whether a request must carry a proof of work: every POST under /api/ but the reviewer
    API's (signed, not paid)."""
    return method == "POST" and uri.startswith("/api/") and not uri.startswith(REVIEW_PREFIX)


def leading_zero_bits(hex_digest: str) -> int:
    bits = 0
    for char in hex_digest:
        nibble = int(char, 16)
        if nibble:
            return bits + 4 - nibble.bit_length()
        bits += 4
    return bits


def check(method: str, uri: str, value: str | None, seconds: float, bits: int) -> str | None:
    """The refusal code for the `pow` query value on `method uri` at unix time `seconds`, or
    None if the request may go on to the API."""
    if not paid(method, uri):
        return None
    if value is None or value == "":
        return "pow_required"
    match = _STAMP.fullmatch(value)
    if match is None:
        return "pow_invalid"
    now = int(seconds // BUCKET_SECONDS)
    bucket = int(match.group(1))
    if bucket not in (now, now - 1):
        return "pow_expired"
    text = f"{LABEL}\n{method} {uri}\n{match.group(3)}\n{match.group(1)}"
    challenge = hashlib.sha256(text.encode()).hexdigest()
    work = hashlib.sha256(bytes.fromhex(challenge + match.group(2))).hexdigest()
    return None if leading_zero_bits(work) >= bits else "pow_invalid"


def refusal(code: str, seconds: float, bits: int) -> Refusal:
    """The answer for a refused request: the API's JSON error with the terms to redo it."""
    id_text, en_text, detail = PROBLEMS[code]
    error = {
        "code": code,
        "message": {"id": id_text, "en": en_text},
        "detail": detail,
        "pow": {"bits": bits, "bucket": int(seconds // BUCKET_SECONDS)},
    }
    body = json.dumps({"error": error}, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
    return Refusal(400, body, headers)


def stamp_of(values: list[str]) -> str | None:
    """The `pow` value among a query's values for it: None if absent, unusable if repeated."""
    if not values:
        return None
    return values[0] if len(values) == 1 else "!"


def viewer_request(
    method: str, uri: str, pow_values: list[str], seconds: float, bits: int
) -> Refusal | None:
    """The function at viewer-request: a refusal, or None (the request goes to the API)."""
    code = check(method, uri, stamp_of(pow_values), seconds, bits)
    return None if code is None else refusal(code, seconds, bits)


def function_code(bits_value: str) -> str:
    """The JavaScript with `bits_value` (a number, or the template's `${PowBits}`) as BITS."""
    source = SOURCE.read_text(encoding="utf-8")
    if source.count(BITS_PLACEHOLDER) != 1 or "${" in source:
        raise EdgeError("api_function.js must name its difficulty once and hold no '${'")
    return source.replace(BITS_PLACEHOLDER, bits_value)
