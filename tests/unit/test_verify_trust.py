"""The trust file: written from a configuration, read back to the same keys, and refused,
with a reason, when a key is of the wrong kind, a threshold out of range or a field unknown."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from peluit import tlog
from peluit.config import Config
from peluit.keys import parse_public_key
from peluit.verify import Trust, TrustError, parse_trust, trust_from_config
from tests.support.releases import signed_team

pytestmark = pytest.mark.unit
LOG = tlog.Ed25519Signer("wbs.example.go.id/log", Ed25519PrivateKey.generate())


def _config(**release: Any) -> Config:
    config, _ = signed_team()
    raw = config.model_dump(mode="json")
    raw["release"] = {**raw["release"], **release}
    return Config.model_validate(raw)


def _trust() -> Trust:
    trust = trust_from_config(
        _config(log_key=LOG.verifier().vkey(), witnesses=["kpk-liaison"], witness_threshold=1)
    )
    assert trust is not None
    return trust


def test_the_trust_file_reads_back_to_the_configurations_keys() -> None:
    trust = _trust()
    again = parse_trust(trust.text())
    assert again.text() == trust.text()
    assert [v.vkey() for v in again.signers] == [v.vkey() for v in trust.signers]
    assert [v.name for v in again.signers] == [
        "wbs.batangharikab.go.id/peluit-release/kpk-liaison",
        "wbs.batangharikab.go.id/peluit-release/agus",
    ]
    assert again.log_key is not None
    assert again.log_key.vkey() == LOG.verifier().vkey()
    assert [w.name for w in again.witnesses] == ["peluit-witness/kpk-liaison"]
    assert (again.threshold, again.witness_threshold) == (2, 1)


def test_a_configuration_without_release_signers_gives_no_trust() -> None:
    config, _ = signed_team()
    assert trust_from_config(config.model_copy(update={"release": None})) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("release_threshold = 2", "release_threshold = 3"), "release_threshold is a whole number"),
        (("witness_threshold = 1", "witness_threshold = 0"), "witness_threshold is a whole number"),
        (('format = "peluit-trust/1"', 'format = "peluit-trust/2"'), "not a peluit-trust/1"),
        (("release_threshold = 2", "release_threshold = 2\nextra = 1"), "extra ['extra']"),
        (
            ("max_cosignature_age_days = 30", "max_cosignature_age_days = 0"),
            "max_cosignature_age_days is a whole number of days from 1 to 3650",
        ),
    ],
)
def test_a_trust_file_out_of_bounds_is_refused(change: tuple[str, str], reason: str) -> None:
    text = _trust().text()
    assert change[0] in text
    with pytest.raises(TrustError) as refused:
        parse_trust(text.replace(*change, 1))
    assert reason in str(refused.value)


def test_a_witness_key_where_a_release_signer_belongs_is_refused() -> None:
    trust = _trust()
    text = trust.text().replace(trust.signers[0].vkey(), trust.witnesses[0].vkey())
    with pytest.raises(
        TrustError, match="release signer peluit-witness/kpk-liaison: a key of the wrong type"
    ):
        parse_trust(text)


def test_the_configuration_refuses_witnesses_without_a_log_and_a_log_key_of_another_type() -> None:
    with pytest.raises(ValueError, match="release witnesses need the log's key"):
        _config(witnesses=["kpk-liaison"])
    witness_key = _trust().witnesses[0].vkey()
    with pytest.raises(ValueError, match="an Ed25519 log key"):
        _config(log_key=witness_key, witnesses=["kpk-liaison"])
    with pytest.raises(ValueError, match="witness threshold is more than"):
        _config(log_key=LOG.verifier().vkey(), witnesses=["kpk-liaison"], witness_threshold=2)


def test_one_key_under_two_names_is_refused_so_it_cannot_count_twice() -> None:
    trust = _trust()
    first, second = trust.signers
    alias = tlog.Ed25519Verifier("wbs.batangharikab.go.id/peluit-release/bayangan", first.public)
    text = trust.text().replace(second.vkey(), alias.vkey())
    with pytest.raises(
        TrustError, match=r"release_signers: .*kpk-liaison and .*bayangan are one key"
    ):
        parse_trust(text)


def test_the_log_key_cannot_be_a_witness() -> None:
    trust = _trust()
    assert trust.log_key is not None
    posing = tlog.CosignatureVerifier("peluit-witness/log", LOG.verifier().public)
    text = trust.text().replace(trust.witnesses[0].vkey(), posing.vkey())
    with pytest.raises(TrustError, match="witness peluit-witness/log is the log key"):
        parse_trust(text)


def test_the_newest_cosignatures_age_reads_back_and_defaults_to_30_days() -> None:
    trust = _trust()
    assert trust.max_age_days == 30
    text = trust.text().replace("max_cosignature_age_days = 30", "max_cosignature_age_days = 7")
    assert parse_trust(text).max_age_days == 7
    without = trust.text().replace("max_cosignature_age_days = 30\n", "")
    assert parse_trust(without).max_age_days == 30


def test_the_configuration_refuses_two_signers_sharing_a_signing_key() -> None:
    config, _ = signed_team()
    raw = config.model_dump(mode="json")
    keys = {p["id"]: p["signing_key"] for p in raw["people"]}
    for person in raw["people"]:
        if person["id"] == "agus":
            person["signing_key"] = keys["kpk-liaison"]
    with pytest.raises(ValueError, match="'kpk-liaison' and 'agus' share one signing_key"):
        Config.model_validate(raw)


def test_the_configuration_refuses_a_witness_who_holds_the_log_key() -> None:
    config, _ = signed_team()
    [liaison] = [p for p in config.people if p.id == "kpk-liaison"]
    assert liaison.signing_key is not None
    own = tlog.Ed25519Verifier("wbs.example.go.id/log", parse_public_key(liaison.signing_key))
    raw = config.model_dump(mode="json")
    raw["release"].update(log_key=own.vkey(), witnesses=["kpk-liaison"])
    with pytest.raises(ValueError, match="witness 'kpk-liaison' holds the log key itself"):
        Config.model_validate(raw)
    raw["release"]["log_key"] = LOG.verifier().vkey()  # another key: accepted
    assert Config.model_validate(raw).release is not None
