"""The browser's code (js/src, run under node) and the Python side agree.

* Receipt codes: js/src/receipt.js derives the same lookup hash, reply identity and reply
  recipient as peluit/core/receipt.py, for codes made on either side, and refuses the same
  malformed codes.
* Encryption: what js/src/encrypt.js (the worker's encryption function) writes is an age file
  for exactly the given hybrid recipients, of exactly the size the server expects, and decrypts
  in Python to the same bytes; it refuses classic and mixed recipients.
* Documents: a report and an identity block built by js/src/report.js are valid
  `peluit-report/1` / `peluit-identity/1` documents for the Python models.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import pytest

from peluit import age
from peluit.core.receipt import ReceiptCode, ReceiptCodeError
from peluit.core.report import IdentityDocument, ReportDocument
from tests.support.js import node

pytestmark = pytest.mark.functional

RECIPIENTS = 3  # e.g. two reviewers and one oversight member


def _js_receipts(*args: str) -> list[dict[str, Any]]:
    lines = node("receipt.mjs", *args).decode().splitlines()
    return [json.loads(line) for line in lines]


def _assert_same_derivations(code: ReceiptCode, js: dict[str, Any]) -> None:
    assert js["code"] == str(code)
    assert js["lookup_hash"] == code.lookup_hash().hex()
    identity = code.reply_identity()
    assert js["reply_identity"] == identity.encode()
    assert js["reply_recipient"] == identity.recipient().encode()


def test_js_derives_what_python_derives_from_python_generated_codes() -> None:
    codes = [ReceiptCode.generate() for _ in range(5)]
    # Shown as the reporter might type them back: lower case, spaces instead of dashes.
    typed = [str(codes[0]), str(codes[1]).lower(), str(codes[2]).replace("-", " ")]
    typed += [str(codes[3]).replace("-", ""), str(codes[4]).replace("0", "O")]
    results = _js_receipts(*typed)
    assert len(results) == len(codes)
    for code, js in zip(codes, results, strict=True):
        _assert_same_derivations(code, js)


def test_python_derives_what_js_derives_from_js_generated_codes() -> None:
    results = _js_receipts("--generate", "5")
    assert len({js["code"] for js in results}) == 5
    for js in results:
        _assert_same_derivations(ReceiptCode.parse(js["code"]), js)


def test_js_and_python_refuse_the_same_malformed_codes() -> None:
    good = str(ReceiptCode.generate())
    last = good[-1]
    bad = [
        good[:-1],  # too short
        good + "0",  # too long
        "U" + good[1:],  # not in the alphabet
        "8" + good[1:],  # more than 128 bits
        good[:-1] + ("0" if last != "0" else "1"),  # wrong check character
    ]
    results = _js_receipts(*bad)
    assert [r["error"] for r in results] == ["length", "length", "character", "range", "check"]
    for text in bad:
        with pytest.raises(ReceiptCodeError):
            ReceiptCode.parse(text)


def _browser_encrypt(plaintext: bytes, recipients: list[age.HybridRecipient]) -> bytes:
    return node("peluit-encrypt.mjs", *(r.encode() for r in recipients), stdin=plaintext)


def _assert_server_would_accept(ciphertext: bytes, plaintext_size: int, recipients: int) -> None:
    """The checks of peluit/core/submission.py: hybrid only, exact count, exact size."""
    info = age.inspect(ciphertext)
    age.require_hybrid_recipients(info, recipients)
    assert len(ciphertext) == age.hybrid_file_size(recipients, plaintext_size)
    assert info.payload_plaintext_size(len(ciphertext)) == plaintext_size


# A segment of one byte, one chunk exactly, one chunk and a byte, and a few chunks.
@pytest.mark.parametrize("size", [1, 65536, 65537, 300_000])
def test_a_segment_encrypted_by_the_browser_code_decrypts_in_python(size: int) -> None:
    identities = [age.HybridIdentity.generate() for _ in range(RECIPIENTS)]
    plaintext = os.urandom(size)
    ciphertext = _browser_encrypt(plaintext, [i.recipient() for i in identities])
    _assert_server_would_accept(ciphertext, size, RECIPIENTS)
    for identity in identities:
        assert age.decrypt(ciphertext, [identity]) == plaintext
    with pytest.raises(age.NoMatchError):
        age.decrypt(ciphertext, [age.HybridIdentity.generate()])


def test_a_report_built_and_encrypted_by_the_browser_code_is_a_valid_report() -> None:
    identities = [age.HybridIdentity.generate() for _ in range(RECIPIENTS)]
    segment = os.urandom(1000)
    segment_ct = _browser_encrypt(segment, [i.recipient() for i in identities])
    parts = {
        "kind": "report",
        "channel": "pengaduan",
        "lang": "id",
        "answers": {
            "what": "Volume pekerjaan jalan dikurangi dari kontrak — “jelas”.",
            "area": "pengadaan",
            "loss": "1500000",
            "how": None,
            "consent_reward": True,
        },
        "identityChoice": "open",
        "identity": {"reporter_name": "Siti Nur\u2019aini"},
        "files": [
            {
                "name": "foto jalan.jpg",
                "type": "image/jpeg",
                "size": len(segment),
                "segments": [
                    {"size": len(segment_ct), "sha256": hashlib.sha256(segment_ct).hexdigest()}
                ],
            }
        ],
    }
    document = node("report-doc.mjs", stdin=json.dumps(parts).encode())
    ciphertext = _browser_encrypt(document, [i.recipient() for i in identities])
    _assert_server_would_accept(ciphertext, len(document), RECIPIENTS)

    report = ReportDocument.model_validate_json(age.decrypt(ciphertext, [identities[2]]))
    assert report.format == "peluit-report/1"
    assert report.answers == parts["answers"]
    assert report.identity_choice == "open"
    assert report.identity == {"reporter_name": "Siti Nur\u2019aini"}
    [entry] = report.files
    assert (entry.name, entry.type, entry.size) == ("foto jalan.jpg", "image/jpeg", 1000)
    assert [(s.size, s.sha256) for s in entry.segments] == [
        (len(segment_ct), hashlib.sha256(segment_ct).hexdigest())
    ]
    assert age.decrypt(segment_ct, [identities[0]]) == segment


def test_an_identity_block_built_by_the_browser_code_is_a_valid_identity_document() -> None:
    custodian = age.HybridIdentity.generate()
    parts = {"kind": "identity", "channel": "gratifikasi", "fields": {"reporter_nik": "150401"}}
    document = node("report-doc.mjs", stdin=json.dumps(parts).encode())
    ciphertext = _browser_encrypt(document, [custodian.recipient()])
    _assert_server_would_accept(ciphertext, len(document), 1)
    block = IdentityDocument.model_validate_json(age.decrypt(ciphertext, [custodian]))
    assert block.fields == {"reporter_nik": "150401"}


def test_the_browser_code_refuses_classic_and_mixed_recipients() -> None:
    classic = age.X25519Identity.generate().recipient()
    hybrid = age.HybridIdentity.generate().recipient()
    with pytest.raises(RuntimeError, match="not post-quantum"):
        node("peluit-encrypt.mjs", classic.encode(), stdin=b"x")
    with pytest.raises(RuntimeError, match="mixed"):
        node("peluit-encrypt.mjs", hybrid.encode(), classic.encode(), stdin=b"x")
