"""The site's `assets/peluit/channels.json` (peluit/site/forms.py): the API prefix, the
limits and each channel's recipients and questions, fetched as the browser does."""

from __future__ import annotations

import json
from typing import Literal
from urllib.parse import urljoin

from pydantic import BaseModel, ConfigDict, ValidationError

from peluit import age

from .errors import ApiError, SubmitError
from .http import Transport

CHANNELS_PATH = "assets/peluit/channels.json"
HYBRID_PREFIX = "age1pq1"


class _Doc(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Limits(_Doc):
    report_max_bytes: int
    file_max_bytes: int
    files_per_report: int
    total_max_bytes: int
    segment_bytes: int
    pow_bits: int = 0


class FieldRules(_Doc):
    id: str
    kind: str
    required: bool = False
    identity: bool = False
    purpose: str | None = None  # "name", "contact", "nik", "consent" (identity_rules.py)
    max_length: int = 5000
    options: list[str] = []


class ChannelSpec(_Doc):
    identity: Literal["optional", "required", "none"]
    report_recipients: list[str]
    identity_recipients: list[str]
    fields: list[FieldRules] = []
    # The channel's reviewers' `ed25519:<base64>` keys: who may sign the team's messages
    # (core/team_signature.py). Empty on an older site: every team message is then unverified.
    reply_signers: list[str] = []


class ChannelsDocument(_Doc):
    version: int
    api: str
    limits: Limits
    channels: dict[str, ChannelSpec]


def fetch_channels(server: str, transport: Transport) -> ChannelsDocument:
    url = urljoin(server.rstrip("/") + "/", CHANNELS_PATH)
    response = transport.retrying("GET", url, None, {}, 60.0)
    if not response.ok:
        raise ApiError(
            response.status,
            "channels_unavailable",
            {
                "id": f"channels.json tidak dapat diambil ({response.status})",
                "en": f"could not fetch channels.json (HTTP {response.status})",
            },
        )
    try:
        return ChannelsDocument.model_validate(json.loads(response.body))
    except (ValueError, UnicodeDecodeError, ValidationError):
        raise SubmitError("the server's channels.json is not a channel description") from None


def hybrid_recipients(texts: list[str]) -> list[age.HybridRecipient]:
    """Post-quantum hybrid recipients only, at least one: anything else is refused."""
    if not texts:
        raise SubmitError("the channel names no recipients")
    out = []
    for text in texts:
        if not text.startswith(HYBRID_PREFIX):
            raise SubmitError("the channel has a recipient that is not post-quantum (age1pq1…)")
        try:
            out.append(age.HybridRecipient.parse(text))
        except (age.AgeError, ValueError):
            raise SubmitError("the channel has a recipient that does not parse") from None
    return out
