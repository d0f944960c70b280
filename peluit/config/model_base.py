"""What every configuration model shares: the roster identifier, and the model settings
(unknown keys are refused; a loaded configuration cannot change)."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

from peluit.core.ids import ROSTER_ID_PATTERN

Identifier = Annotated[str, Field(pattern=f"^{ROSTER_ID_PATTERN}$")]
STRICT = ConfigDict(extra="forbid", frozen=True)
