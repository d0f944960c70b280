"""Where the deployable sources are: a checkout of the Peluit repository.

The template (`infra/`) and the Lambda handlers (`functions/`) are not part of the installed
`peluit` package, so `peluit deploy` runs from a clone of the repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import DeployError

CHECKOUT = Path(__file__).resolve().parents[2]
TEMPLATE = Path("infra") / "peluit.yaml"
LOCK = Path("functions") / "requirements.lock"  # the functions' dependencies (`make lock`)


@dataclass(frozen=True)
class Source:
    root: Path  # holds peluit/, functions/ (with the lock) and pyproject.toml
    template: Path

    @property
    def functions(self) -> Path:
        return self.root / "functions"

    @property
    def pyproject(self) -> Path:
        return self.root / "pyproject.toml"

    @property
    def lock(self) -> Path:
        return self.root / LOCK


def find_source(root: Path = CHECKOUT) -> Source:
    source = Source(root, root / TEMPLATE)
    for needed in (
        source.template,
        source.functions,
        source.pyproject,
        source.lock,
        root / "peluit",
    ):
        if not needed.exists():
            raise DeployError(
                f"{needed} not found: run peluit deploy from a clone of the Peluit repository "
                "(infra/ and functions/ are not part of the installed package)"
            )
    return source
