"""Receipt codes: format, parsing, typo detection, and the derivations' known answers.

The known answers live in tests/vectors/receipt-v1.json, which js/test/receipt.test.js checks
the browser's implementation against too; here they are also recomputed with an independent
HKDF (RFC 5869 written out with hmac), so the vector does not only check the code against
itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peluit.age import HybridIdentity
from peluit.core.receipt import ALPHABET, ReceiptCode, ReceiptCodeError

pytestmark = pytest.mark.unit

VECTORS_FILE = Path(__file__).resolve().parents[1] / "vectors" / "receipt-v1.json"
CODE = "0004-1061-050R-3GG2-8A1C-60T3-GFP"  # the first vector: bytes 00..0f


def _vectors() -> list[dict[str, Any]]:
    doc = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
    vectors: list[dict[str, Any]] = doc["vectors"]
    return vectors


def _hkdf_sha256(secret: bytes, salt: bytes, info: bytes) -> bytes:
    """RFC 5869 with one output block (32 bytes), independent of `cryptography`."""
    prk = hmac.new(salt, secret, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def _compact(code: ReceiptCode) -> str:
    return str(code).replace("-", "")


@given(st.binary(min_size=16, max_size=16))
def test_a_code_parses_back_to_its_secret(secret: bytes) -> None:
    code = ReceiptCode(secret)
    assert ReceiptCode.parse(str(code)) == code


def test_a_code_is_27_characters_in_groups_of_four() -> None:
    text = str(ReceiptCode.generate())
    groups = text.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4, 4, 4, 3]
    assert all(c in ALPHABET for c in "".join(groups))


def test_generated_codes_differ() -> None:
    assert len({ReceiptCode.generate().secret for _ in range(100)}) == 100


@pytest.mark.parametrize(
    "variant",
    [
        CODE.lower(),
        CODE.replace("-", ""),
        CODE.replace("-", " "),
        f"  {CODE.replace('-', chr(9))}\n",
        " ".join(CODE.replace("-", "")),
        CODE.title(),
    ],
)
def test_parsing_ignores_case_dashes_and_spaces(variant: str) -> None:
    assert ReceiptCode.parse(variant).secret == bytes(range(16))


def test_o_reads_as_zero_and_i_and_l_as_one() -> None:
    zeros = "0000-0000-0000-0000-0000-0000-00X"
    assert ReceiptCode.parse(zeros.replace("0", "O")).secret == bytes(16)
    assert ReceiptCode.parse(zeros.replace("0", "o")).secret == bytes(16)
    code = ReceiptCode(bytes(15) + b"\x21")  # ends in ...11
    text = str(code)
    assert "1" in text
    assert ReceiptCode.parse(text.replace("1", "I")) == code
    assert ReceiptCode.parse(text.replace("1", "l")) == code


@pytest.mark.parametrize("text", ["", CODE[:-1], CODE + "0", CODE + CODE])
def test_a_wrong_length_is_refused(text: str) -> None:
    with pytest.raises(ReceiptCodeError, match="27 characters"):
        ReceiptCode.parse(text)


@pytest.mark.parametrize("bad", ["U", "*", "É", "٣"])
def test_a_character_outside_the_alphabet_is_refused(bad: str) -> None:
    with pytest.raises(ReceiptCodeError, match="only digits and letters"):
        ReceiptCode.parse(bad + CODE[1:])


def test_a_value_over_128_bits_is_refused() -> None:
    with pytest.raises(ReceiptCodeError, match="not a receipt code"):
        ReceiptCode.parse("8" + CODE[1:])


def test_a_wrong_check_character_is_refused() -> None:
    for replacement in ALPHABET.replace(CODE[-1], ""):
        with pytest.raises(ReceiptCodeError, match="typo"):
            ReceiptCode.parse(CODE[:-1] + replacement)


def test_the_check_character_catches_at_least_nine_in_ten_single_character_typos() -> None:
    # A fixed seed, so the measured rate is reproducible; nothing here is secret.
    rng = random.Random(20251128)  # noqa: S311
    caught = total = 0
    for _ in range(200):
        chars = list(_compact(ReceiptCode(rng.randbytes(16))))
        position = rng.randrange(len(chars))
        for replacement in ALPHABET:
            if replacement == chars[position]:
                continue
            typo = chars.copy()
            typo[position] = replacement
            total += 1
            try:
                ReceiptCode.parse("".join(typo))
            except ReceiptCodeError:
                caught += 1
    assert total == 200 * 31
    assert caught / total >= 0.9, f"caught {caught} of {total}"


@pytest.mark.parametrize("vector", _vectors(), ids=lambda v: str(v["secret"]))
def test_derivations_match_the_committed_known_answers(vector: dict[str, Any]) -> None:
    secret = bytes.fromhex(vector["secret"])
    code = ReceiptCode(secret)
    assert str(code) == vector["code"]
    assert ReceiptCode.parse(vector["code"]) == code
    assert code.lookup_token().hex() == vector["lookup_token"]
    assert code.lookup_hash().hex() == vector["lookup_hash"]
    identity = code.reply_identity()
    assert identity.encode() == vector["reply_identity"]
    recipient = identity.recipient().encode()
    assert len(recipient) == vector["reply_recipient_length"]
    assert hashlib.sha256(recipient.encode()).hexdigest() == vector["reply_recipient_sha256"]


@pytest.mark.parametrize("vector", _vectors(), ids=lambda v: str(v["secret"]))
def test_the_known_answers_agree_with_an_independent_hkdf(vector: dict[str, Any]) -> None:
    secret = bytes.fromhex(vector["secret"])
    token = _hkdf_sha256(secret, b"peluit/receipt/v1", b"lookup")
    assert token.hex() == vector["lookup_token"]
    assert hashlib.sha256(token).hexdigest() == vector["lookup_hash"]
    seed = _hkdf_sha256(secret, b"peluit/receipt/v1", b"reply-identity")
    assert HybridIdentity(seed).encode() == vector["reply_identity"]
    check = ALPHABET[hashlib.sha256(b"peluit/receipt-check/v1" + secret).digest()[0] >> 3]
    assert vector["code"][-1] == check


def test_the_lookup_token_and_the_reply_seed_differ() -> None:
    code = ReceiptCode.generate()
    seed = _hkdf_sha256(code.secret, b"peluit/receipt/v1", b"reply-identity")
    assert code.lookup_token() != seed
    assert code.reply_identity().encode() == HybridIdentity(seed).encode()
