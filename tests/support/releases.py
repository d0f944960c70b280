"""Configurations with release signers, and their people's keys, for the release tests."""

from __future__ import annotations

from typing import Any

from peluit.config import Config
from peluit.keys import KeyFile
from tests.support.factory import example_raw

SIGNERS = ["kpk-liaison", "agus"]


def signed_team(
    threshold: int = 2, signers: list[str] | None = None
) -> tuple[Config, dict[str, KeyFile]]:
    """The example's people with fresh key files, and a [release] section."""
    raw: dict[str, Any] = example_raw()
    keys: dict[str, KeyFile] = {}
    for person in raw["people"]:
        key = KeyFile.generate(person["id"], person["name"], tuple(person["roles"]))
        keys[key.person] = key
        person["age_recipient"] = key.age_recipient
        person["signing_key"] = key.signing_public_key
    raw["release"] = {"signers": signers or SIGNERS, "threshold": threshold}
    return Config.model_validate(raw), keys
