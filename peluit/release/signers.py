"""The configuration's release signers as note keys, and the threshold check."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from peluit.config import Config
from peluit.keys import KeyFile, parse_public_key
from peluit.tlog import Ed25519Verifier

from .errors import ReleaseError, ThresholdError
from .note import Note, Signature, add_signature, sign, verified_by


def key_name(config: Config, person: str) -> str:
    """`<site host>/peluit-release/<person>`: a schema-less URL, as the spec recommends."""
    host = urlsplit(str(config.organisation.site_url)).netloc
    return f"{host}/peluit-release/{person}"


def release_signers(config: Config) -> list[str]:
    if config.release is None:
        raise ReleaseError(
            "the configuration has no [release] section: name the release signers and the "
            "threshold there (docs/operator-guide.md)"
        )
    return list(config.release.signers)


def verifiers(config: Config) -> list[Ed25519Verifier]:
    """One verifier per release signer, from the roster's signing keys."""
    out = []
    for person in release_signers(config):
        signing_key = config.person(person).signing_key
        if signing_key is None:  # the configuration's validator refuses this already
            raise ReleaseError(f"release signer {person} has no signing_key in the roster")
        out.append(Ed25519Verifier(key_name(config, person), parse_public_key(signing_key)))
    return out


@dataclass(frozen=True)
class ThresholdResult:
    signed_by: list[str]  # person ids whose signatures verify
    threshold: int
    signers: list[str]

    @property
    def met(self) -> bool:
        return len(self.signed_by) >= self.threshold

    def describe(self) -> str:
        who = ", ".join(self.signed_by) or "nobody"
        return f"signed by {who}: {len(self.signed_by)} of the {self.threshold} needed"


def check_signatures(config: Config, note: Note) -> ThresholdResult:
    """Which configured signers signed (a failing signature of theirs is a SignatureError)."""
    by_name = {key_name(config, p): p for p in release_signers(config)}
    names = verified_by(note, verifiers(config))
    threshold = config.release.threshold if config.release else len(by_name)
    return ThresholdResult([by_name[n] for n in names], threshold, list(by_name.values()))


def require_threshold(config: Config, note: Note) -> ThresholdResult:
    result = check_signatures(config, note)
    if not result.met:
        raise ThresholdError(
            f"the release is {result.describe()} (release signers: "
            f"{', '.join(result.signers)}); have more of them run `peluit release sign`"
        )
    return result


def sign_as(config: Config, note: Note, key: KeyFile) -> Note:
    """The note with `key`'s signature added, if `key` is a configured release signer's."""
    signers = release_signers(config)
    if key.person not in signers:
        raise ReleaseError(
            f"{key.person} is not a release signer of this configuration ({', '.join(signers)})"
        )
    if config.person(key.person).signing_key != key.signing_public_key:
        raise ReleaseError(
            f"this key file's signing key is not the one the roster holds for {key.person}"
        )
    signature: Signature = sign(note.text, key_name(config, key.person), key.signing_key)
    return add_signature(note, signature)
