"""A demo configuration with fresh demo keys, so `peluit serve` works on a fresh machine.

Everything it writes says DEMO: the keys sit unencrypted on disk beside the data, which
is fine for trying Peluit and wrong for real reports.
"""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path

from peluit import age

DEMO_BANNER = (
    "# DEMO configuration made by `peluit serve`. Its keys are in the demo-keys folder beside it,\n"
    "# unencrypted: anyone who can read that folder can read every report. Never use it for\n"
    "# real reports; write your own peluit.toml (see docs/operator-guide.md).\n"
)


def example_config_text() -> str:
    return resources.files("peluit.config").joinpath("example.toml").read_text(encoding="utf-8")


def ensure_demo(data_dir: Path, site_url: str) -> Path:
    """Return the demo config under `data_dir`, creating it and its keys on first use."""
    config_path = data_dir / "peluit.demo.toml"
    if config_path.exists():
        return config_path
    text = example_config_text()
    keys_dir = data_dir / "demo-keys"
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    for person in tomllib.loads(text)["people"]:
        identity = age.HybridIdentity.generate()
        recipient = identity.recipient().encode()
        text = text.replace(person["age_recipient"], recipient)
        key_file = keys_dir / f"{person['id']}.txt"
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(
                f"# DEMO KEY for {person['name']} — for trying Peluit locally only.\n"
                f"# public key: {recipient}\n{identity.encode()}\n"
            )
    text = text.replace('site_url = "https://wbs.batangharikab.go.id"', f'site_url = "{site_url}"')
    text = text.replace(
        'name = { id = "Pemerintah Kabupaten Batanghari", en = "Batanghari Regency Government" }',
        'name = { id = "DEMO Pemerintah Kabupaten Batanghari", en = "DEMO Batanghari Regency" }',
    )
    config_path.write_text(DEMO_BANNER + text, encoding="utf-8")
    return config_path
