"""Key files: sealed with a passphrase, opened only with it, refused clearly otherwise."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from peluit import age, keys
from peluit.keys import KeyFile, open_key_file, seal

pytestmark = pytest.mark.unit

PASSPHRASE = "kopi tubruk di pasar batanghari"  # noqa: S105 - a test passphrase
CHEAP = 4  # scrypt work factor for tests: 2^4, instant


@pytest.fixture(scope="module")
def key() -> KeyFile:
    return KeyFile.generate("rina", "Rina (Inspektorat)", ("reviewer", "custodian"))


def test_a_sealed_key_file_opens_with_its_passphrase_to_the_same_keys(key: KeyFile) -> None:
    opened = open_key_file(seal(key, PASSPHRASE, CHEAP), PASSPHRASE)

    assert (opened.person, opened.name, opened.roles) == (key.person, key.name, key.roles)
    assert opened.identity.encode() == key.identity.encode()
    assert opened.signing_key.private_bytes_raw() == key.signing_key.private_bytes_raw()
    assert opened.age_recipient == key.age_recipient
    assert opened.fingerprint == key.fingerprint


def test_a_key_file_is_an_armored_age_file_to_one_passphrase(key: KeyFile) -> None:
    sealed = seal(key, PASSPHRASE, CHEAP)

    assert age.is_armored(sealed)
    assert age.inspect(age.dearmor(sealed)).stanza_types == ("scrypt",)
    assert key.identity.encode().encode() not in sealed


def test_the_default_work_factor_is_18() -> None:
    assert keys.DEFAULT_WORK_FACTOR == 18


def test_the_unarmored_binary_form_opens_too(key: KeyFile) -> None:
    binary = age.dearmor(seal(key, PASSPHRASE, CHEAP))
    assert open_key_file(binary, PASSPHRASE).person == "rina"


def test_a_wrong_passphrase_is_named_as_such(key: KeyFile) -> None:
    sealed = seal(key, PASSPHRASE, CHEAP)
    with pytest.raises(keys.WrongPassphraseError, match="wrong passphrase"):
        open_key_file(sealed, PASSPHRASE + " ")


def test_a_short_passphrase_is_refused_when_sealing(key: KeyFile) -> None:
    with pytest.raises(keys.WeakPassphraseError, match="at least 12"):
        seal(key, "rahasia", CHEAP)


def test_a_file_for_a_key_rather_than_a_passphrase_is_not_a_key_file() -> None:
    other = age.encrypt(b"{}", [age.HybridIdentity.generate().recipient()])
    with pytest.raises(keys.KeyFileFormatError, match="not sealed with a passphrase"):
        open_key_file(other, PASSPHRASE)


def test_garbage_and_damaged_files_are_format_errors(key: KeyFile) -> None:
    sealed = age.dearmor(seal(key, PASSPHRASE, CHEAP))
    damaged = sealed[:-1] + bytes([sealed[-1] ^ 1])
    for data in (b"", b"hello", damaged, seal(key, PASSPHRASE, CHEAP)[:-40]):
        with pytest.raises(keys.KeyFileFormatError):
            open_key_file(data, PASSPHRASE)


def test_a_hostile_work_factor_is_refused_before_any_work() -> None:
    cheap = age.encrypt(b"{}", [age.ScryptRecipient(PASSPHRASE, CHEAP)])
    costly = cheap.replace(f" {CHEAP}\n".encode(), b" 21\n", 1)  # 2^21: 2 GiB of memory
    assert costly != cheap
    with pytest.raises(keys.KeyFileFormatError, match="above the limit"):
        open_key_file(costly, PASSPHRASE)


@pytest.mark.parametrize(
    "change",
    [
        {"format": "other"},
        {"version": 2},
        {"id": "Rina"},
        {"roles": ["admin"]},
        {"roles": []},
        {"age_identity": "AGE-SECRET-KEY-PQ-1XYZ"},
        {"signing_key": "AAAA"},
        {"extra": 1},
    ],
    ids=lambda change: next(iter(change)),
)
def test_decrypted_content_that_is_not_a_valid_key_file_is_refused(
    key: KeyFile, change: dict[str, object]
) -> None:
    body: dict[str, object] = {
        "format": "peluit-key-file",
        "version": 1,
        "id": "rina",
        "name": "Rina",
        "roles": ["reviewer"],
        "age_identity": key.identity.encode(),
        "signing_key": "A" * 43 + "=",
        **change,
    }
    sealed = age.encrypt(json.dumps(body).encode(), [age.ScryptRecipient(PASSPHRASE, CHEAP)])
    with pytest.raises(keys.KeyFileFormatError):
        open_key_file(sealed, PASSPHRASE)


def test_the_repr_of_a_key_file_shows_no_secret(key: KeyFile) -> None:
    text = repr(key)
    assert "rina" in text
    assert key.identity.encode() not in text
    assert "AGE-SECRET" not in text


def test_a_key_file_refuses_ids_and_roles_the_roster_would_refuse() -> None:
    with pytest.raises(keys.KeyFileFormatError):
        KeyFile.generate("Rina Wati", "Rina", ("reviewer",))
    with pytest.raises(keys.KeyFileFormatError):
        KeyFile.generate("rina", "Rina", ("reviewer", "reviewer"))
    with pytest.raises(keys.KeyFileFormatError):
        KeyFile.generate("rina", " ", ("reviewer",))


def test_the_public_signing_key_is_ed25519_colon_base64(key: KeyFile) -> None:
    text = key.signing_public_key
    assert text.startswith("ed25519:")
    parsed = keys.parse_public_key(text)
    assert parsed.public_bytes_raw() == key.signing_key.public_key().public_bytes_raw()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ed25519:",
        "ssh-ed25519 AAAA",
        "ed25519:" + "A" * 43,  # no padding
        "ed25519:" + "A" * 42 + "B=",  # non-canonical: trailing bits set
        "ed25519:" + "A" * 40 + "==",  # 29 bytes
        "ed25519:" + "A" * 43 + "= ",
    ],
)
def test_malformed_public_signing_keys_are_refused(text: str) -> None:
    with pytest.raises(keys.SigningKeyFormatError):
        keys.parse_public_key(text)


def test_public_key_encoding_round_trips() -> None:
    public = ed25519.Ed25519PrivateKey.generate().public_key()
    assert keys.parse_public_key(keys.encode_public_key(public)) == public
