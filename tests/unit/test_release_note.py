"""The release as a C2SP signed note (c2sp.org/signed-note, C2SP/C2SP signed-note.md), read
and verified with peluit.tlog's notes and keys: the spec's own example verifies, key IDs and
verifier keys are as specified, and a changed text, an unknown key or a damaged file is told
apart, each as a release error."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from peluit.release.errors import NoteFormatError, SignatureError
from peluit.release.note import Note, add_signature, parse_note, sign, verified_by
from peluit.tlog import Ed25519Verifier as Verifier
from peluit.tlog import open_note
from peluit.tlog.keys import ED25519, key_id

pytestmark = pytest.mark.unit

# The example of signed-note.md ("### Example"): this verifier key verifies this note.
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n"
    "\n"
    "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3"
    "mFXmRKuwHjG1Yu72IneyaQM=\n"
).encode()


def _spec_verifier() -> Verifier:
    name, _, encoded = SPEC_VKEY.split("+")
    raw = base64.b64decode(encoded)
    assert raw[0] == 0x01  # Ed25519
    return Verifier(name, ed25519.Ed25519PublicKey.from_public_bytes(raw[1:]))


def test_the_specs_example_note_verifies_with_its_verifier_key() -> None:
    note = parse_note(SPEC_NOTE)
    assert note.text == "This is an example message.\n"
    assert verified_by(note, [_spec_verifier()]) == ["example.com/foo"]
    assert note.encode() == SPEC_NOTE


def test_key_id_and_verifier_key_are_computed_as_the_spec_says() -> None:
    verifier = _spec_verifier()
    assert key_id(verifier.name, ED25519, verifier.public.public_bytes_raw()) == 0x530D903A
    assert verifier.key_id == 0x530D903A
    assert verifier.vkey() == SPEC_VKEY


def test_the_specs_example_with_a_changed_text_is_refused() -> None:
    changed = SPEC_NOTE.replace(b"example message", b"exemplary message")
    with pytest.raises(SignatureError, match=r"example\.com/foo"):
        verified_by(parse_note(changed), [_spec_verifier()])


def test_a_signature_from_an_unknown_key_is_ignored() -> None:
    other = ed25519.Ed25519PrivateKey.generate()
    stranger = Verifier("example.com/foo", other.public_key())  # same name, other key ID
    assert verified_by(parse_note(SPEC_NOTE), [stranger]) == []


def test_signatures_are_added_one_at_a_time_and_each_verifies() -> None:
    a, b = ed25519.Ed25519PrivateKey.generate(), ed25519.Ed25519PrivateKey.generate()
    note = parse_note(b'{\n  "x": 1\n}\n')
    assert note.signatures == ()
    note = add_signature(note, sign(note.text, "site.example/a", a))
    note = parse_note(note.encode())  # the file travels to the next signer
    note = add_signature(note, sign(note.text, "site.example/b", b))
    again = parse_note(note.encode())
    verifiers = [
        Verifier("site.example/a", a.public_key()),
        Verifier("site.example/b", b.public_key()),
    ]
    assert verified_by(again, verifiers) == ["site.example/a", "site.example/b"]
    assert again.encode().startswith(b'{\n  "x": 1\n}\n\n\xe2\x80\x94 site.example/a ')


def test_a_release_signed_here_is_a_signed_note_that_peluit_tlog_opens() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    unsigned = parse_note(b"caf\xc3\xa9 \x7f\n")  # DEL is not one of the spec's control characters
    assert unsigned.encode() == b"caf\xc3\xa9 \x7f\n"
    note = add_signature(unsigned, sign(unsigned.text, "site.example/a", key))
    opened, verified = open_note(note.encode(), [Verifier("site.example/a", key.public_key())])
    assert opened.text == "caf\u00e9 \x7f\n"
    assert [v.name for v in verified] == ["site.example/a"]


def test_the_same_key_cannot_sign_twice() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    note = Note("text\n")
    note = add_signature(note, sign(note.text, "n/a", key))
    with pytest.raises(NoteFormatError, match="already signed"):
        add_signature(note, sign(note.text, "n/a", key))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"no final newline", "ends in a newline"),
        (b"tab\there\n", "control characters"),
        (b"\xff\xfe\n", "UTF-8"),
        ("text\n\n\u2014 name notbase64!\n".encode(), "not base64"),
        ("text\n\n\u2014 bad+name AAAAAAA=\n".encode(), "key name"),
        ("text\n\n\u2014 name AAAA\n".encode(), "too short"),
        ("text\n\n\u2014 name AAAAAAB=\n".encode(), "canonical base64"),
        ("text\n\n\u2014 name AAAAAAA=\nnot a signature\n".encode(), "not a signature line"),
    ],
)
def test_a_damaged_note_is_refused_with_its_reason(data: bytes, problem: str) -> None:
    with pytest.raises(NoteFormatError, match=problem):
        parse_note(data)
