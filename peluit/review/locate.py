"""Which configuration the review tool uses, when the person does not say.

The tool takes every recipient from the configuration (never from the server), so it must
be the operator's `peluit.toml`. Without `--config`:
1. `peluit.toml` in the current directory;
2. for a demo key file (`…/demo-keys/NAME.key`), the demo configuration beside that folder
   (`…/peluit.demo.toml`, made by `peluit serve`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from peluit.config.demo import CONFIG_NAME, KEYS_DIR

from .errors import ReviewInputError

DEFAULT_CONFIG = Path("peluit.toml")
DEFAULT_SERVER = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Located:
    path: Path
    demo: bool


def find_config(explicit: Path | None, key_path: Path) -> Located:
    if explicit is not None:
        return Located(explicit, explicit.name == CONFIG_NAME)
    if DEFAULT_CONFIG.is_file():
        return Located(DEFAULT_CONFIG, False)
    folder = key_path.resolve().parent
    demo = folder.parent / CONFIG_NAME
    if folder.name == KEYS_DIR and demo.is_file():
        return Located(demo, True)
    raise ReviewInputError(
        "no configuration: give --config with the operator's peluit.toml "
        "(the tool encrypts to the keys it lists, never to keys the server names)"
    )


def check_server_url(url: str) -> str:
    """The reviewer API's base URL: https, or http on this machine (a local `peluit serve`)."""
    if not url.startswith(("https://", "http://127.0.0.1:", "http://localhost:")):
        raise ReviewInputError(
            f"--server {url}: use https://…, or http://127.0.0.1:PORT for a local `peluit serve`"
        )
    return url.rstrip("/")
