"""Who may do what: the roster's roles, per channel.

| role      | on the channels where the roster lists them                                    |
|-----------|--------------------------------------------------------------------------------|
| reviewer  | list and read cases, change status, write to the reporter, request identity    |
| oversight | list and read cases (the same objects as a reviewer); never write              |
| custodian | list and decide identity requests; read `identity.age` while a request waits,  |
|           | and the encrypted reasons of requests; never the report                        |

A person with several roles has the union. Nobody decides their own identity request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from peluit.config import Channel, Config, Person

from .errors import NotPermittedError


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Actor:
    """A person acting through the reviewer API.

    `admit` spends the request's nonce (idempotent). The reviewer API does not rely on
    services calling it: its store view spends the nonce at a request's first write, and the
    resolver before the answer of a request that wrote nothing (`peluit.core.nonces`). A
    service may still call it early, once the action is authorised and checked.
    """

    id: str
    admit: Callable[[], None] = field(default=_nothing, compare=False)


class Access:
    def __init__(self, config: Config) -> None:
        self._config = config

    def person(self, person_id: str) -> Person:
        for person in self._config.people:
            if person.id == person_id:
                return person
        raise NotPermittedError("this person is not on the roster")

    def channel(self, channel_id: str) -> Channel:
        channel = self._config.channel(channel_id)
        if channel is None:
            raise NotPermittedError("this channel is not configured")
        return channel

    def is_reviewer(self, person: str, channel: str) -> bool:
        return person in self.channel(channel).reviewers

    def is_oversight(self, person: str, channel: str) -> bool:
        return person in self.channel(channel).oversight

    def is_custodian(self, person: str, channel: str) -> bool:
        return person in self.channel(channel).custodians

    def is_reader(self, person: str, channel: str) -> bool:
        """A reviewer or oversight: may read the case's content."""
        return self.is_reviewer(person, channel) or self.is_oversight(person, channel)

    def reader_channels(self, person: str) -> list[str]:
        return [c.id for c in self._config.channels if self.is_reader(person, c.id)]

    def custodian_channels(self, person: str) -> list[str]:
        return [c.id for c in self._config.channels if self.is_custodian(person, c.id)]

    def oversight_channels(self, person: str) -> list[str]:
        return [c.id for c in self._config.channels if self.is_oversight(person, c.id)]

    def require_reviewer(self, person: str, channel: str) -> None:
        if not self.is_reviewer(person, channel):
            raise NotPermittedError("only a reviewer of this channel may do this")

    def require_reader(self, person: str, channel: str) -> None:
        if not self.is_reader(person, channel):
            raise NotPermittedError("only a reviewer or oversight of this channel may do this")

    def require_custodian(self, person: str, channel: str) -> None:
        if not self.is_custodian(person, channel):
            raise NotPermittedError("only an identity custodian of this channel may do this")

    def require_any(self, person: str, channel: str) -> None:
        if not (self.is_reader(person, channel) or self.is_custodian(person, channel)):
            raise NotPermittedError("this person has no role on this channel")
