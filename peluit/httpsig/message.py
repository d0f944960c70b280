"""The request shape `http-message-signatures` reads: a method, an absolute URL, headers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Message:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
