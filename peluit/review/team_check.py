"""Whether a message the thread shows as a reviewer's was written by that reviewer
(docs/format.md, "The team's signatures"; ADR 0040, ADR 0052). Pure: given the thread as the
reviewer API lists it (each message's number, sender, claim day and signature), the SHA-256 of
each ciphertext this tool fetched and the local configuration's roster, it decides.

A team message `thread/{seq}-{id}.age` must carry the signature of `{id}`'s roster signing
key — from the reviewer's own `peluit.toml`, never a key the server supplies — over the
statement of core/team_signature.py for this case, its number and its day. Anyone who holds the
reply key's public half (the server does) can write such a file; the team must not read it as
a colleague's.

* A signature that verifies: the message is shown as its sender's (`SIGNED`).
* A signature that does not verify for this case, number, day and ciphertext, a sender with
  no signing key in the roster, or a sender not in the roster: refused (`FORGED`,
  `UNKNOWN_SENDER`).
* No signature: written before the team signed (`OLDER`, shown as it is), unless the message
  must be signed (`UNSIGNED`, refused), which it must when (the downgrade rule, as ADR 0042's
  for the reporter) the case's report is signed with statement version 2 (a form of the same
  release as team signatures filed it), or an earlier team message of the thread verified
  (once the team signs, it does not stop), or `organisation.team_signatures_since` (by default
  `reporter_signatures_since`) is set and the case was received, or the message numbered, on or
  after that day.

A refused message shows the problem in place of its text and lists no files (what a planted
message points to is the likelier harm), as a refused reporter message does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from peluit.config import Config
from peluit.core import team_signature
from peluit.keys import SigningKeyFormatError, parse_public_key

from .content import Message


class TeamVerdict(StrEnum):
    SIGNED = "signed"
    OLDER = "unsigned_older"  # no signature, from before the team signed
    UNSIGNED = "unsigned"  # no signature where there must be one
    FORGED = "bad_signature"  # a signature that is not the sender's for this place
    UNKNOWN_SENDER = "unknown_sender"  # the sender is not in this configuration's roster


REFUSED = (TeamVerdict.UNSIGNED, TeamVerdict.FORGED, TeamVerdict.UNKNOWN_SENDER)


def problem(verdict: TeamVerdict, sender: str) -> str:
    """What a refused team message shows instead of its text (Indonesian, then English)."""
    who = ascii(sender)[1:-1]
    if verdict is TeamVerdict.UNKNOWN_SENDER:
        return (
            f"PESAN TIM DITOLAK: pengirim {who!r} tidak ada dalam daftar tim konfigurasi Anda; "
            "mungkin dibuat di server, tidak ditampilkan / TEAM MESSAGE REFUSED: the sender "
            f"{who!r} is not on your configuration's roster; it may have been made on the "
            "server, not shown"
        )
    if verdict is TeamVerdict.UNSIGNED:
        return (
            f"PESAN TIM TIDAK BERTANDA TANGAN: pesan atas nama {who} ini seharusnya "
            "ditandatangani; mungkin dibuat di server, tidak ditampilkan / TEAM MESSAGE "
            f"UNSIGNED: this message in {who}'s name must be signed; it may have been made on "
            "the server, not shown"
        )
    return (
        f"TANDA TANGAN PESAN TIM TIDAK SAH: pesan ini tidak ditandatangani dengan kunci {who} "
        "untuk kasus, nomor dan tanggal ini; mungkin dibuat atau dipindahkan di server, tidak "
        f"ditampilkan / TEAM SIGNATURE INVALID: this message is not signed with {who}'s key "
        "for this case, number and day; it may have been made or moved on the server, not shown"
    )


@dataclass(frozen=True)
class Placed:
    """What the reviewer API and this tool know of one thread message."""

    seq: int
    sender: str  # from the object's name, `thread/{seq}-{sender}.age`
    on: str | None  # the claim's day (YYYY-MM-DD); None: an older claim
    signature: str | None  # hex, from the claim; None: unsigned
    sha256: str | None  # of the ciphertext this tool fetched; None: not fetched


def since(config: Config) -> date | None:
    """The day from which every team message is signed: `team_signatures_since`, by default
    `reporter_signatures_since` (the same release began both)."""
    organisation = config.organisation
    return organisation.team_signatures_since or organisation.reporter_signatures_since


def _on_or_after(day: str | None, cut: date) -> bool:
    if day is None:
        return False
    try:
        return date.fromisoformat(day) >= cut
    except ValueError:
        return True  # a day that does not parse says nothing old about the message


def verdict(config: Config, case: str, message: Placed, *, required: bool) -> TeamVerdict:
    """One team message's verdict, against the sender's key in the local roster."""
    person = next((p for p in config.people if p.id == message.sender), None)
    if person is None:
        return TeamVerdict.UNKNOWN_SENDER
    if message.signature is None:
        return TeamVerdict.UNSIGNED if required else TeamVerdict.OLDER
    if person.signing_key is None or message.on is None or message.sha256 is None:
        return TeamVerdict.FORGED
    try:
        key = parse_public_key(person.signing_key)
        signature = bytes.fromhex(message.signature)
        text = team_signature.statement_of(case, message.seq, message.on, message.sha256)
    except (SigningKeyFormatError, ValueError):
        return TeamVerdict.FORGED
    ok = team_signature.verify(key, signature, text)
    return TeamVerdict.SIGNED if ok else TeamVerdict.FORGED


def check_thread(
    config: Config,
    case: str,
    messages: Sequence[Message],
    placed: Mapping[str, Placed],
    *,
    received: str,
    version_2: bool,
) -> list[Message]:
    """`messages` with each team message that is not verified as its sender's refused (no
    text, no files, the problem). `version_2`: the case's reporter statement is version 2;
    `received`: the day the case was received; `placed`: by each message's key."""
    cut = since(config)
    required = version_2 or (cut is not None and _on_or_after(received, cut))
    checked: list[Message] = []
    for message in sorted(messages, key=lambda m: m.seq):
        found = placed.get(message.key)
        if message.from_reporter or found is None or found.sha256 is None:
            checked.append(message)  # not fetched: it already shows its problem
            continue
        must = required or (cut is not None and _on_or_after(found.on, cut))
        found_verdict = verdict(config, case, found, required=must)
        if found_verdict is TeamVerdict.SIGNED:
            required = True  # once the team signs, it does not stop
        if found_verdict in REFUSED:
            message = replace(
                message,
                text=None,
                manifest=(),
                files=(),
                upload=None,
                problem=problem(found_verdict, message.sender),
            )
        checked.append(message)
    return checked
