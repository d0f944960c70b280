"""The configuration schema: organisation, roster, channels with questionnaires, limits, store."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, HttpUrl, field_validator, model_validator

from peluit import age, tlog
from peluit.core.ids import RESERVED_PERSON_IDS
from peluit.keys.errors import SigningKeyFormatError
from peluit.keys.signing import parse_public_key

from .model_base import STRICT
from .model_base import Identifier as Identifier
from .notify_models import EmailAddress as EmailAddress
from .notify_models import Notifications as Notifications
from .notify_models import NotifyEvent as NotifyEvent
from .notify_models import NotifyRecipient as NotifyRecipient
from .notify_models import NotifyRule as NotifyRule
from .notify_models import Smtp as Smtp
from .release_models import Release as Release

MiB = 1024 * 1024


class _Strict(BaseModel):
    model_config = STRICT


class Text(_Strict):
    """A text in Indonesian (first) and English."""

    id: Annotated[str, Field(min_length=1, max_length=2000)]
    en: Annotated[str, Field(min_length=1, max_length=2000)]


class Organisation(_Strict):
    name: Text
    site_url: HttpUrl
    timezone: str = "Asia/Jakarta"
    # Days the team does not work although they are weekdays: national holidays and cuti
    # bersama (the year's SKB), regional ones. Working-day deadlines skip them.
    holidays: Annotated[frozenset[date], Field(max_length=1000)] = frozenset()
    # The first day this installation's form signed every report (docs/adr/0042): the review
    # tool treats a case received on or after it without a reporter signing key as forged (a
    # server stripped the key), not as an older case. Set it for every new installation.
    reporter_signatures_since: date | None = None
    # The first day every reviewer's tool signed the team's messages (docs/adr/0040, 0052): the
    # review tool refuses an unsigned team message numbered on or after it, or in a case received
    # on or after it. Unset: `reporter_signatures_since` (the same release began both).
    team_signatures_since: date | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone (e.g. Asia/Jakarta, Asia/Makassar)") from None
        return value


class Person(_Strict):
    """A roster entry: only public keys, never anything that decrypts or signs."""

    id: Identifier
    name: Annotated[str, Field(min_length=1, max_length=200)]
    roles: Annotated[list[Literal["reviewer", "custodian", "oversight"]], Field(min_length=1)]
    age_recipient: str
    signing_key: str | None = None  # `ed25519:<base64>`: signs the person's reviewer API requests

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_PERSON_IDS:
            raise ValueError(
                f"{value!r} is reserved: it names the reporter's messages or the operator's "
                "audit entries, so a person with it would speak as them; choose another id"
            )
        return value

    @field_validator("age_recipient")
    @classmethod
    def _hybrid_recipient(cls, value: str) -> str:
        try:
            age.HybridRecipient.parse(value)
        except age.KeyFormatError as exc:
            raise ValueError(f"must be a post-quantum age1pq1… recipient ({exc})") from None
        return value

    @field_validator("signing_key")
    @classmethod
    def _ed25519_key(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_public_key(value)
            except SigningKeyFormatError as exc:
                raise ValueError(f"must be an ed25519:<base64> public key ({exc})") from None
        return value


class Option(_Strict):
    id: Identifier
    label: Text


FieldKind = Literal["text", "textarea", "date", "select", "money", "boolean", "kpk_area"]
# What an answer means for the rules about identity (docs/site-and-form.md): "name" and
# "contact" (a way to reach the reporter) are needed with a non-anonymous choice; "nik" is a
# 16-digit Indonesian ID number; "consent" (reward, public recognition) needs a non-anonymous
# choice and sits with the identity in the form, but is kept in the report for the reviewers.
FieldPurpose = Literal["name", "contact", "nik", "consent"]


class FieldSpec(_Strict):
    """One question of a channel's questionnaire."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    kind: FieldKind
    label: Text
    help: Text | None = None
    required: bool = False
    max_length: Annotated[int, Field(ge=1, le=100_000)] = 5000
    options: list[Option] = []
    identity: bool = False  # goes into the identity block (custodians only), not the report
    purpose: FieldPurpose | None = None

    @model_validator(mode="after")
    def _options_only_for_select(self) -> FieldSpec:
        if (self.kind == "select") != bool(self.options):
            raise ValueError("a select field needs options, and only a select field has them")
        if self.purpose == "consent" and (self.kind != "boolean" or self.identity):
            raise ValueError("a consent is a boolean field outside the identity block")
        if self.purpose in {"name", "contact", "nik"} and (
            not self.identity or self.kind not in {"text", "textarea"}
        ):
            raise ValueError(f"a {self.purpose} field is a text field with identity = true")
        return self


class Deadline(_Strict):
    """A deadline the form shows under a date question: `working_days` working days (Monday
    to Friday, except the organisation's holidays) after the date the reporter enters."""

    from_field: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    working_days: Annotated[int, Field(ge=1, le=365)]
    label: Text  # e.g. "to the UPG"


class Sla(_Strict):
    """Deadlines the reviewers' console shows, after ISO 37002 and EU 2019/1937.

    Sources and the other deadlines: docs/domain.md#deadlines."""

    acknowledge_working_days: Annotated[int, Field(ge=1, le=60)] = 3
    feedback_days: Annotated[int, Field(ge=1, le=365)] = 90


class Channel(_Strict):
    id: Identifier
    name: Text
    description: Text
    identity: Literal["optional", "required", "none"]
    reviewers: Annotated[list[Identifier], Field(min_length=1)]
    oversight: list[Identifier] = []
    custodians: list[Identifier] = []
    sla: Sla = Sla()
    retention_days: Annotated[int, Field(ge=30, le=36500)] = 3650
    fields: Annotated[list[FieldSpec], Field(min_length=1)]
    deadlines: Annotated[list[Deadline], Field(max_length=10)] = []

    @model_validator(mode="after")
    def _consistent(self) -> Channel:
        ids = [f.id for f in self.fields]
        if len(ids) != len(set(ids)):
            raise ValueError("field ids must be unique within a channel")
        if self.identity != "none" and not self.custodians:
            raise ValueError("a channel that accepts an identity block needs custodians")
        if self.identity == "none" and any(f.identity for f in self.fields):
            raise ValueError("identity fields need identity = 'optional' or 'required'")
        if self.identity == "none" and any(f.purpose == "consent" for f in self.fields):
            raise ValueError("a consent needs identity = 'optional' or 'required'")
        dates = {f.id for f in self.fields if f.kind == "date"}
        for deadline in self.deadlines:
            if deadline.from_field not in dates:
                raise ValueError(f"deadline from_field {deadline.from_field!r} is not a date field")
        return self


class Limits(_Strict):
    report_max_bytes: Annotated[int, Field(ge=16 * 1024, le=4 * MiB)] = 1 * MiB
    file_max_bytes: Annotated[int, Field(ge=1, le=5 * 1024 * MiB)] = 500 * MiB
    files_per_report: Annotated[int, Field(ge=0, le=100)] = 10
    total_max_bytes: Annotated[int, Field(ge=1)] = 2 * 1024 * MiB
    segment_bytes: Annotated[int, Field(ge=64 * 1024, le=64 * MiB)] = 8 * MiB
    # Proof of work on every public POST (docs/adr/0009-proof-of-work.md): the browser finds a
    # hash with this many leading zero bits; each bit doubles the work. 19: about a second on a
    # mid-range phone.
    pow_bits: Annotated[int, Field(ge=1, le=32)] = 19

    @model_validator(mode="after")
    def _segments_whole_chunks(self) -> Limits:
        if self.segment_bytes % (64 * 1024):
            raise ValueError("segment_bytes must be a multiple of 64 KiB (the age chunk size)")
        return self


_MAX_BUCKET_NAME = 63  # S3's limit


class StoreConfig(_Strict):
    kind: Literal["local", "s3"] = "local"
    path: str = "var"
    bucket: str | None = None
    # Staged uploads and request nonces (peluit/store/keys.py `is_short_lived`): a bucket
    # without Object Lock whose lifecycle rules expire them. Default: "<bucket>-staging".
    staging_bucket: str | None = None
    region: str = "ap-southeast-3"
    endpoint_url: HttpUrl | None = None

    @model_validator(mode="after")
    def _bucket_for_s3(self) -> StoreConfig:
        if self.kind == "s3" and not self.bucket:
            raise ValueError("an s3 store needs a bucket")
        if self.kind == "s3" and len(self.staging_bucket_name or "") > _MAX_BUCKET_NAME:
            raise ValueError(
                f"the staging bucket's name is longer than {_MAX_BUCKET_NAME} characters: "
                "set store.staging_bucket"
            )
        if self.staging_bucket is not None and self.staging_bucket == self.bucket:
            raise ValueError(
                "store.staging_bucket must differ from store.bucket: Object Lock on the case "
                "bucket would keep every staged upload for years"
            )
        return self

    @property
    def staging_bucket_name(self) -> str | None:
        """The bucket of staged uploads and nonces (S3 only)."""
        if self.bucket is None:
            return None
        return self.staging_bucket or f"{self.bucket}-staging"


class KpkArea(_Strict):
    id: Identifier
    label: Text


class Config(_Strict):
    organisation: Organisation
    kpk_areas: Annotated[list[KpkArea], Field(min_length=1)]
    people: Annotated[list[Person], Field(min_length=1)]
    channels: Annotated[list[Channel], Field(min_length=1)]
    limits: Limits = Limits()
    store: StoreConfig = StoreConfig()
    release: Release | None = None
    notifications: Notifications | None = None

    @model_validator(mode="after")
    def _references(self) -> Config:
        for kind, ids in (
            ("people", [p.id for p in self.people]),
            ("channels", [c.id for c in self.channels]),
            ("kpk_areas", [a.id for a in self.kpk_areas]),
        ):
            if len(ids) != len(set(ids)):
                raise ValueError(f"{kind} ids must be unique")
        roles = {p.id: set(p.roles) for p in self.people}
        for channel in self.channels:
            for role, members in (
                ("reviewer", channel.reviewers),
                ("oversight", channel.oversight),
                ("custodian", channel.custodians),
            ):
                for member in members:
                    if member not in roles:
                        raise ValueError(f"channel {channel.id}: unknown person {member!r}")
                    if role not in roles[member]:
                        raise ValueError(
                            f"channel {channel.id}: {member!r} is listed as {role} "
                            f"but the roster does not give them that role"
                        )
        self._notification_references(set(roles))
        keys = {p.id: p.signing_key for p in self.people}
        signing = [*self.release.signers, *self.release.witnesses] if self.release else []
        for signer in signing:
            if signer not in keys:
                raise ValueError(f"release: unknown person {signer!r}")
            if keys[signer] is None:
                raise ValueError(
                    f"release: {signer!r} has no signing_key in the roster, so cannot sign"
                )
        holders: dict[str | None, str] = {}
        for signer in dict.fromkeys(signing):  # one key would count twice towards a threshold
            if keys[signer] in holders and holders[keys[signer]] != signer:
                raise ValueError(
                    f"release: {holders[keys[signer]]!r} and {signer!r} share one signing_key; "
                    "each signer and witness needs a key of their own"
                )
            holders[keys[signer]] = signer
        if self.release is not None and self.release.log_key is not None:
            log = tlog.parse_vkey(self.release.log_key)  # checked by Release already
            raw = log.public.public_bytes_raw() if isinstance(log, tlog.Ed25519Verifier) else b""
            for witness in self.release.witnesses:
                if parse_public_key(keys[witness] or "").public_bytes_raw() == raw:
                    raise ValueError(f"release: witness {witness!r} holds the log key itself")
        return self

    def _notification_references(self, people: set[str]) -> None:
        if self.notifications is None:
            return
        channels = {c.id for c in self.channels}
        for recipient in self.notifications.recipients:
            if recipient.person not in people:
                raise ValueError(f"notifications: unknown person {recipient.person!r}")
        for rule in self.notifications.rules:
            for channel in rule.channels:
                if channel not in channels:
                    raise ValueError(f"notifications: unknown channel {channel!r}")

    def channel(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def person(self, person_id: str) -> Person:
        return next(p for p in self.people if p.id == person_id)

    def report_recipients(self, channel: Channel) -> list[str]:
        """Who can read a case: the channel's reviewers and oversight, each once."""
        ids = dict.fromkeys([*channel.reviewers, *channel.oversight])
        return [self.person(i).age_recipient for i in ids]

    def identity_recipients(self, channel: Channel) -> list[str]:
        """Who can read the identity block: the channel's custodians."""
        return [self.person(i).age_recipient for i in dict.fromkeys(channel.custodians)]
