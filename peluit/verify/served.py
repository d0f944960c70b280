"""What the site serves, against its release: every file's bytes, every response's headers,
and each channel's recipients in `channels.json` against the manifest's roster."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from peluit.release.webcat import FORBIDDEN_HEADERS
from peluit.site.forms import CHANNELS_JSON

from . import findings as f
from .fetch import Answer, Fetcher
from .findings import Outcome


def expected_status(name: str) -> int:
    """The site function answers its 404 pages with status 404 (peluit/edge/site_function)."""
    return 404 if name.rsplit("/", 1)[-1] == "404.html" else 200


def check_files(fetcher: Fetcher, document: Mapping[str, Any], out: Outcome) -> dict[str, Answer]:
    """Fetch every file of the manifest and compare its SHA-256; the answers, by name."""
    answers: dict[str, Answer] = {}
    changed = 0
    for name, digest in document["files"].items():
        answer = fetcher.get("/" + name)
        answers[name] = answer
        if answer.status != expected_status(name):
            changed += 1
            where = answer.header("location")
            said = f" to {where}" if where else ""
            out.fail(f.FILE_MISSING, name, f"HTTP {answer.status}{said}, not the released file")
        elif hashlib.sha256(answer.body).hexdigest() != digest:
            changed += 1
            out.fail(
                f.FILE_CHANGED,
                name,
                f"served sha256 {hashlib.sha256(answer.body).hexdigest()[:16]}…, "
                f"released {digest[:16]}…",
            )
    if not changed:
        out.held.append(f"all {len(answers)} files are the released ones")
    return answers


def check_headers(document: Mapping[str, Any], answers: Mapping[str, Answer], out: Outcome) -> None:
    """Each released header on every file's answer, with its released value; no Refresh or
    Link header (WEBCAT). One finding per header and served value, naming one file."""
    seen: set[tuple[str, str, str | None]] = set()
    before = len(out.findings)
    for name, answer in answers.items():
        for header, value in document["headers"].items():
            served = answer.header(header)
            if served == value:
                continue
            check = f.HEADER_MISSING if served is None else f.HEADER_CHANGED
            if (check, header, served) in seen:
                continue
            seen.add((check, header, served))
            detail = (
                f"not sent with /{name}"
                if served is None
                else f"/{name} is served with {served!r}, the release says {value!r}"
            )
            out.fail(check, header, detail)
        for header in FORBIDDEN_HEADERS:
            if answer.header(header) is not None and (f.HEADER_FORBIDDEN, header, None) not in seen:
                seen.add((f.HEADER_FORBIDDEN, header, None))
                out.fail(
                    f.HEADER_FORBIDDEN, header.title(), f"sent with /{name} (WEBCAT forbids it)"
                )
    if len(out.findings) == before:
        out.held.append(f"every answer carries the {len(document['headers'])} released headers")


def short_recipient(recipient: str) -> str:
    """A recipient as a finding names it: a post-quantum age recipient is ~2,000 characters,
    so its start and end (enough to tell keys apart and to find it in channels.json)."""
    return recipient if len(recipient) <= 40 else f"{recipient[:20]}…{recipient[-12:]}"


def released_recipients(document: Mapping[str, Any]) -> dict[str, dict[str, set[str]]]:
    """Channel → {"report_recipients", "identity_recipients"} → age recipients, from the
    manifest's channels (person ids) and roster (their age recipients)."""
    age = {p["id"]: p["age_recipient"] for p in document["roster"]}
    return {
        c["id"]: {
            kind: {age.get(person, f"(unknown person {person})") for person in c[kind]}
            for kind in ("report_recipients", "identity_recipients")
        }
        for c in document["channels"]
    }


def check_recipients(
    document: Mapping[str, Any], answers: Mapping[str, Answer], out: Outcome
) -> None:
    answer = answers.get(CHANNELS_JSON)
    if answer is None or answer.status != 200:
        return  # the release lists no channels.json, or its absence is a finding already
    try:
        served = json.loads(answer.body).get("channels")
    except (ValueError, AttributeError):
        served = None
    if not isinstance(served, dict) or not all(isinstance(c, dict) for c in served.values()):
        out.fail(f.CHANNEL_CHANGED, CHANNELS_JSON, "not a channel description")
        return
    released = released_recipients(document)
    who = {p["age_recipient"]: p["id"] for p in document["roster"]}
    before = len(out.findings)
    for channel in sorted(set(served) | set(released)):
        if channel not in released:
            out.fail(
                f.CHANNEL_CHANGED, channel, "a channel in channels.json the release does not have"
            )
            continue
        if channel not in served:
            out.fail(f.CHANNEL_CHANGED, channel, "a released channel missing from channels.json")
            continue
        for kind, expected in released[channel].items():
            given = served[channel].get(kind)
            actual = set(given) if isinstance(given, list) else set()
            for recipient in sorted(actual - expected):
                out.fail(
                    f.RECIPIENT_ADDED,
                    short_recipient(recipient),
                    f"channel {channel}: encrypts {kind.replace('_', ' ')} to a key the release "
                    f"does not name ({who.get(recipient, 'nobody in the released roster')})",
                )
            for recipient in sorted(expected - actual):
                out.fail(
                    f.RECIPIENT_REMOVED,
                    short_recipient(recipient),
                    f"channel {channel}: {who.get(recipient, '?')} no longer receives "
                    f"{kind.replace('_', ' ')}",
                )
    if len(out.findings) == before:
        out.held.append(f"every channel encrypts to the released recipients ({len(released)})")
