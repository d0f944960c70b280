"""The `[release]` section: who signs a release of the site, the release log and its
witnesses (docs/adr/0032, docs/adr/0039)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from peluit import tlog

from .model_base import STRICT, Identifier


class _Strict(BaseModel):
    model_config = STRICT


class Release(_Strict):
    """Who signs a release of the site and how many of them must (docs/adr/0032)."""

    signers: Annotated[list[Identifier], Field(min_length=1, max_length=16)]
    threshold: Annotated[int, Field(ge=1, le=16)]
    # The release log (docs/adr/0039): its verifier key from `peluit log init`, the people who
    # witness it (cosigning with their key files' signing keys) and how many must cosign.
    log_key: str | None = None
    witnesses: Annotated[list[Identifier], Field(max_length=16)] = []
    witness_threshold: Annotated[int, Field(ge=1, le=16)] = 1

    @model_validator(mode="after")
    def _reachable(self) -> Release:
        if len(set(self.signers)) != len(self.signers):
            raise ValueError("release signers must be unique")
        if self.threshold > len(self.signers):
            raise ValueError("the threshold is more than the number of release signers")
        if len(set(self.witnesses)) != len(self.witnesses):
            raise ValueError("release witnesses must be unique")
        if self.log_key is None and self.witnesses:
            raise ValueError("release witnesses need the log's key (log_key)")
        if self.log_key is not None:
            if self.witness_threshold > len(self.witnesses):
                raise ValueError("the witness threshold is more than the number of witnesses")
            try:
                log = tlog.parse_vkey(self.log_key)
            except tlog.TlogError as exc:
                raise ValueError(f"release log_key: {exc}") from None
            if not isinstance(log, tlog.Ed25519Verifier):
                raise ValueError("release log_key is an Ed25519 log key (type 0x01)")
        return self
