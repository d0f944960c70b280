"""The trust file: the keys a verifier of the site trusts (docs/format.md#the-trust-file).

KPK keeps it; `peluit release trust` writes it from the operator's configuration, and KPK
checks its keys with the people named in it (fingerprints) before relying on it. TOML:

    format = "peluit-trust/1"
    site_url = "https://wbs.batangharikab.go.id/"
    release_threshold = 2
    release_signers = ["wbs.batangharikab.go.id/peluit-release/agus+1a2b3c4d+AQ…", …]
    log_key = "wbs.batangharikab.go.id/log+5e6f7a8b+AQ…"
    witness_threshold = 1
    witnesses = ["peluit-witness/kpk-liaison+9c0d1e2f+BA…"]
    max_cosignature_age_days = 30   # optional (default 30): older is a `log-stale` finding

Every key is a C2SP verifier key (vkey): release signers and the log key of type 0x01
(Ed25519), witnesses of type 0x04 (tlog-cosignature). The console builds the same trust from
the configuration it runs with (`trust_from_config`). One key is one signer: a key named
twice (under two names) or a witness key that is the log key is refused, so no one key can
count twice towards a threshold.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from typing import Any, TypeVar

from peluit import tlog
from peluit.config import Config
from peluit.keys import parse_public_key
from peluit.release import key_name
from peluit.release.log import witness_key_name

FORMAT = "peluit-trust/1"
DEFAULT_MAX_AGE_DAYS = 30  # a witness cosigns at each deploy and at least daily (operator guide)
MAX_AGE_LIMIT = 3650
MAX_AGE = "max_cosignature_age_days"  # the one optional field
_V = TypeVar("_V", tlog.Ed25519Verifier, tlog.CosignatureVerifier)
_FIELDS = {
    "format",
    "site_url",
    "release_threshold",
    "release_signers",
    "log_key",
    "witness_threshold",
    "witnesses",
}


class TrustError(Exception):
    """A trust file that cannot be used; the message says what is wrong."""


@dataclass(frozen=True)
class Trust:
    site_url: str
    signers: tuple[tlog.Ed25519Verifier, ...]
    threshold: int
    log_key: tlog.Ed25519Verifier | None  # None only from a configuration without a log
    witnesses: tuple[tlog.CosignatureVerifier, ...]
    witness_threshold: int
    max_age_days: int = DEFAULT_MAX_AGE_DAYS  # the newest trusted cosignature's oldest age

    def text(self) -> str:
        """The trust file (TOML; JSON strings and lists are TOML too)."""

        def keys(verifiers: tuple[Any, ...]) -> str:
            return "[\n" + "".join(f"  {json.dumps(v.vkey())},\n" for v in verifiers) + "]"

        lines = [
            "# What a verifier of this Peluit site trusts (docs/format.md#the-trust-file).",
            "# Check every key with the person it names before relying on this file.",
            f"format = {json.dumps(FORMAT)}",
            f"site_url = {json.dumps(self.site_url)}",
            f"release_threshold = {self.threshold}",
            f"release_signers = {keys(self.signers)}",
        ]
        if self.log_key is not None:
            lines += [
                f"log_key = {json.dumps(self.log_key.vkey())}",
                f"witness_threshold = {self.witness_threshold}",
                f"witnesses = {keys(self.witnesses)}",
                f"{MAX_AGE} = {self.max_age_days}",
            ]
        return "\n".join(lines) + "\n"


def trust_from_config(config: Config) -> Trust | None:
    """The trust a configuration implies: its release signers, the log key and witnesses of
    its `[release]` section; None when it names no release signers."""
    release = config.release
    if release is None:
        return None
    signers = tuple(
        tlog.Ed25519Verifier(key_name(config, p), _signing_key(config, p)) for p in release.signers
    )
    log_key = None
    if release.log_key is not None:
        log_key = _vkey(release.log_key, tlog.Ed25519Verifier, "log key")
    witnesses = tuple(
        tlog.CosignatureVerifier(witness_key_name(p), _signing_key(config, p))
        for p in release.witnesses
    )
    _distinct(signers, witnesses, log_key)
    return Trust(
        str(config.organisation.site_url),
        signers,
        release.threshold,
        log_key,
        witnesses,
        release.witness_threshold,
    )


def _signing_key(config: Config, person: str) -> Any:
    signing_key = config.person(person).signing_key
    if signing_key is None:  # the configuration's validator refuses this already
        raise TrustError(f"{person} has no signing_key in the roster")
    return parse_public_key(signing_key)


def parse_trust(text: str) -> Trust:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TrustError(f"the trust file is not TOML ({exc})") from None
    if document.get("format") != FORMAT:
        raise TrustError(f"not a {FORMAT} trust file (format = {FORMAT!r})")
    if set(document) - {MAX_AGE} != _FIELDS:
        missing = sorted(_FIELDS - set(document))
        extra = sorted(set(document) - _FIELDS - {MAX_AGE})
        raise TrustError(
            f"a trust file has exactly {sorted(_FIELDS)} (missing {missing}, extra {extra})"
        )
    signers = tuple(
        _vkey(v, tlog.Ed25519Verifier, "release signer") for v in _list(document, "release_signers")
    )
    witnesses = tuple(
        _vkey(v, tlog.CosignatureVerifier, "witness") for v in _list(document, "witnesses")
    )
    threshold = _count(document, "release_threshold", len(signers))
    witness_threshold = _count(document, "witness_threshold", len(witnesses))
    if not isinstance(document["site_url"], str) or not document["site_url"].startswith(
        ("https://", "http://")
    ):
        raise TrustError("site_url is the site's http(s) URL")
    log_key = _vkey(document["log_key"], tlog.Ed25519Verifier, "log key")
    _distinct(signers, witnesses, log_key)
    max_age = document.get(MAX_AGE, DEFAULT_MAX_AGE_DAYS)
    if (
        isinstance(max_age, bool)
        or not isinstance(max_age, int)
        or not 1 <= max_age <= MAX_AGE_LIMIT
    ):
        raise TrustError(f"{MAX_AGE} is a whole number of days from 1 to {MAX_AGE_LIMIT}")
    return Trust(
        document["site_url"], signers, threshold, log_key, witnesses, witness_threshold, max_age
    )


def _distinct(
    signers: tuple[tlog.Ed25519Verifier, ...],
    witnesses: tuple[tlog.CosignatureVerifier, ...],
    log_key: tlog.Ed25519Verifier | None,
) -> None:
    """One key, one vote: a key under two names would count twice towards a threshold, and
    a witness key that is the log key would let the log cosign its own checkpoints."""
    for what, verifiers in (("release_signers", signers), ("witnesses", witnesses)):
        seen: dict[bytes, str] = {}
        for v in verifiers:
            raw = v.public.public_bytes_raw()
            if raw in seen:
                raise TrustError(f"{what}: {seen[raw]} and {v.name} are one key, named twice")
            seen[raw] = v.name
    if log_key is not None:
        raw = log_key.public.public_bytes_raw()
        for w in witnesses:
            if w.public.public_bytes_raw() == raw:
                raise TrustError(f"witness {w.name} is the log key: a log cannot witness itself")


def _list(document: dict[str, Any], field: str) -> list[Any]:
    value = document[field]
    if not isinstance(value, list) or not value:
        raise TrustError(f"{field} is a list of one or more verifier keys")
    if len(set(value)) != len(value):
        raise TrustError(f"{field} names a key twice")
    return value


def _count(document: dict[str, Any], field: str, most: int) -> int:
    value = document[field]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise TrustError(f"{field} is a whole number from 1 to {most}")
    return value


def _vkey(value: Any, kind: type[_V], what: str) -> _V:
    if not isinstance(value, str):
        raise TrustError(f"a {what} is a verifier key string")
    try:
        parsed = tlog.parse_vkey(value)
    except tlog.TlogError as exc:
        raise TrustError(f"{what} {value[:40]!r}: {exc}") from None
    if not isinstance(parsed, kind):
        raise TrustError(f"{what} {parsed.name}: a key of the wrong type")
    return parsed
