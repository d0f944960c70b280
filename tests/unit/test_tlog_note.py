"""Signed notes, keys and cosignatures, checked against the examples of C2SP signed-note and
tlog-cosignature and the known answers of golang.org/x/mod/sumdb/note and
transparency-dev/formats (tests/vectors/tlog-known-answers.json names each source)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from peluit.tlog import (
    Checkpoint,
    CheckpointFormatError,
    CosignatureSigner,
    CosignatureVerifier,
    Ed25519Signer,
    NoteFormatError,
    NoteSignatureError,
    open_note,
    parse_checkpoint,
    parse_note,
    parse_skey,
    parse_vkey,
    sign_note,
)
from peluit.tlog.cosignature import cosignature_time

pytestmark = pytest.mark.unit

KNOWN = json.loads(
    (Path(__file__).resolve().parents[1] / "vectors" / "tlog-known-answers.json").read_text()
)


def test_the_spec_example_note_verifies_with_the_spec_example_key() -> None:
    ex = KNOWN["signed_note_spec_example"]
    note, verified = open_note(ex["note"].encode(), [parse_vkey(ex["vkey"])])
    assert note.text == "This is an example message.\n"
    assert [v.name for v in verified] == ["example.com/foo"]


def test_a_changed_text_under_the_spec_example_signature_is_refused() -> None:
    ex = KNOWN["signed_note_spec_example"]
    with pytest.raises(NoteSignatureError, match="not valid"):
        open_note(ex["note"].replace("example", "exemple", 1).encode(), [parse_vkey(ex["vkey"])])


def test_signing_with_the_go_reference_key_gives_the_go_reference_note() -> None:
    go = KNOWN["go_note_sign"]
    signer = parse_skey(go["skey"])
    assert sign_note(go["text"], [signer]).encode().decode() == go["signed"]
    assert signer.verifier().vkey() == go["vkey"]
    assert signer.skey() == go["skey"]


def test_a_note_signed_only_by_unknown_keys_is_refused_and_unknown_signatures_are_ignored() -> None:
    go = KNOWN["go_note_sign"]
    ex = KNOWN["signed_note_spec_example"]
    with pytest.raises(NoteSignatureError, match="no signature"):
        open_note(go["signed"].encode(), [parse_vkey(ex["vkey"])])
    other = Ed25519Signer("other.example/key", ed25519.Ed25519PrivateKey.generate())
    both = sign_note(go["text"], [other], keep=parse_note(go["signed"].encode()).signatures)
    _, verified = open_note(both.encode(), [parse_vkey(go["vkey"])])
    assert [v.name for v in verified] == ["PeterNeumann"]


@pytest.mark.parametrize(
    "bad",
    [
        b"no blank line\n\xe2\x80\x94 a AAAAAAA=\n",
        b"text\n\n",
        b"text\n\n\xe2\x80\x94 name\n",
        b"text\n\n- name c3VwZXI=\n",
        b"text\n\n\xe2\x80\x94 name not-base64!\n",
        b"text\x01\n\n\xe2\x80\x94 name c3VwZXI=\n",
        b"\xff\n\n\xe2\x80\x94 name c3VwZXI=\n",
        b"text\n\n\xe2\x80\x94 name c3VwZXI=",
        b"text\n\n\xe2\x80\x94 name AAAAAAB=\n",  # base64, but not canonical: AAAAAAA=
    ],
)
def test_malformed_notes_are_refused_by_name(bad: bytes) -> None:
    with pytest.raises(NoteFormatError):
        parse_note(bad)


def test_del_is_allowed_in_a_note_but_the_control_characters_below_space_are_not() -> None:
    """signed-note: no "ASCII control characters (those below U+0020) other than newline"."""
    signer = Ed25519Signer("example.com/k", ed25519.Ed25519PrivateKey.generate())
    note, _ = open_note(sign_note("rub\x7fout\n", [signer]).encode(), [signer.verifier()])
    assert note.text == "rub\x7fout\n"
    for control in ("\x00", "\t", "\r", "\x1f"):
        with pytest.raises(NoteFormatError, match="control characters"):
            sign_note(f"rub{control}out\n", [signer])
        with pytest.raises(NoteFormatError, match="control characters"):
            parse_note(f"rub{control}out\n\n".encode() + note.encode().split(b"\n\n")[1])


def test_vkeys_that_are_mangled_are_refused() -> None:
    vkey = KNOWN["go_note_sign"]["vkey"]
    for bad in (vkey[:-1], vkey.replace("c74f20a3", "c74f20a4"), vkey.replace("+A", "+Z", 1), ""):
        with pytest.raises(NoteFormatError):
            parse_vkey(bad)


def test_a_reference_cosignature_key_and_timestamp_read_as_published() -> None:
    cv = KNOWN["cosignature_v1"]
    key = parse_vkey(cv["vkey_type_04"])
    assert isinstance(key, CosignatureVerifier)
    assert f"{key.key_id:08x}" == cv["vkey_type_04"].split("+")[1]
    assert cosignature_time(base64.b64decode(cv["signature_base64"])[4:]) == cv["timestamp"]
    spec = KNOWN["cosignature_spec_example"]
    blob = base64.b64decode(spec["signature_line"].rsplit(" ", 1)[1])
    assert cosignature_time(blob[4:]) == spec["timestamp"]


def test_a_cosignature_signs_the_spec_message_and_uses_key_type_4() -> None:
    """Checked with the raw Ed25519 key over the message written out as the spec writes it."""
    private = ed25519.Ed25519PrivateKey.generate()
    signer = CosignatureSigner("witness.example/w1", private, 1679315147)
    text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    note = sign_note(text, [signer])
    sig = note.signatures[0]
    assert sig.signature[:8] == (1679315147).to_bytes(8, "big")
    message = ("cosignature/v1\ntime 1679315147\n" + text).encode()
    private.public_key().verify(sig.signature[8:], message)  # raises if not
    vkey = signer.verifier().vkey()
    assert base64.b64decode(vkey.split("+", 2)[2])[0] == 0x04
    open_note(note.encode(), [parse_vkey(vkey)])
    # the same key as a log (0x01) key has another key ID: it does not verify a cosignature
    as_log = Ed25519Signer("witness.example/w1", private).verifier()
    assert as_log.key_id != signer.key_id
    with pytest.raises(NoteSignatureError):
        open_note(note.encode(), [as_log])


def test_checkpoint_text_round_trips_and_bad_checkpoints_are_refused() -> None:
    cp = Checkpoint("peluit.example/log", 3, bytes(range(32)))
    assert parse_checkpoint(cp.text()) == cp
    assert cp.text().count("\n") == 3
    for bad in (
        "origin\n03\n" + cp.text().split("\n")[2] + "\n",
        "origin\n3\nAAAA\n",
        "origin\n3\n",
        "origin\n-1\n" + cp.text().split("\n")[2] + "\n",
        "origin\n3\n" + cp.text().split("\n")[2] + "\n\n",
    ):
        with pytest.raises(CheckpointFormatError):
            parse_checkpoint(bad)
