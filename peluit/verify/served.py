"""What the site serves, against its release: every file's bytes, every response's headers,
and each channel's recipients in `channels.json` against the manifest's roster."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from typing import Any

from peluit.release.webcat import FORBIDDEN_HEADERS
from peluit.site.forms import CHANNELS_JSON

from . import findings as f
from .addresses import REDIRECTS, Address, browser_addresses
from .decode import DecodeError, decode, encodings
from .fetch import Answer, Fetcher
from .findings import Outcome


def expected_status(name: str) -> int:
    """The site function answers its 404 pages with status 404 (peluit/edge/site_function)."""
    return 404 if name.rsplit("/", 1)[-1] == "404.html" else 200


def check_files(
    fetcher: Fetcher, document: Mapping[str, Any], out: Outcome, missing: str | None = None
) -> dict[str, Answer]:
    """Fetch every file of the manifest and compare its SHA-256, as the verifier asks
    (identity) and as a browser asks (compressed, decoded here); then every address browsers
    load that is not a file's own path (addresses.py). The answers, by what was asked."""
    answers: dict[str, Answer] = {}
    served: dict[str, Answer] = {}
    before = len(out.findings)
    for name, digest in document["files"].items():
        path = "/" + name
        answer = fetcher.get(path)
        served[name] = answers[path] = answer
        _identity_encoding(path, answer, out)
        if answer.status != expected_status(name):
            out.fail(
                f.FILE_MISSING, name, f"HTTP {answer.status}{_to(answer)}, not the released file"
            )
        elif _sha(answer.body) != digest:
            out.fail(
                f.FILE_CHANGED,
                name,
                f"served sha256 {_sha(answer.body)[:16]}…, released {digest[:16]}…",
            )
        _as_browser(fetcher, path, name, answer, answers, out)
    addresses = browser_addresses(document["files"], missing or _missing_name())
    for address in addresses:
        _check_address(fetcher, address, served, answers, out)
    if len(out.findings) == before:
        out.held.append(
            f"all {len(served)} files are the released ones, as the verifier and as a browser "
            f"ask, and so are the {len(addresses)} other addresses browsers load"
        )
    return answers


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _to(answer: Answer) -> str:
    where = answer.header("location")
    return f" to {where}" if where else ""


def _missing_name() -> str:
    return f"peluit-verify-{secrets.token_hex(6)}"


def _identity_encoding(path: str, answer: Answer, out: Outcome) -> None:
    coding = answer.header("content-encoding")
    if encodings(coding):
        out.fail(
            f.ENCODING_UNASKED,
            path,
            f"answered with Content-Encoding {coding!r} to a request for identity "
            "(a cache that ignores Accept-Encoding, or a variant meant for someone else)",
        )


def _as_browser(
    fetcher: Fetcher,
    path: str,
    subject: str,
    like: Answer,
    answers: dict[str, Answer],
    out: Outcome,
) -> Answer | None:
    """The answer a browser gets at `path`, decoded, kept in `answers`; a finding when its
    status or bytes differ from `like` (the verifier's own answer, compared with the release
    already), or when it cannot be decoded."""
    answer = fetcher.get(path, browser=True)
    coding = answer.header("content-encoding")
    try:
        body = decode(answer.body, coding)
    except DecodeError as exc:
        out.fail(f.ENCODING_UNCHECKED, path, f"as a browser asks: {exc}")
        return None
    decoded = answers[f"{path} (as a browser)"] = Answer(answer.status, answer.headers, body)
    if (decoded.status, decoded.body) != (like.status, like.body):
        sent = f", Content-Encoding {coding}" if encodings(coding) else ""
        out.fail(
            f.VARIANT_CHANGED,
            subject,
            f"a browser at {path} gets HTTP {decoded.status}{sent}, sha256 "
            f"{_sha(body)[:16]}…; the verifier got HTTP {like.status}, sha256 "
            f"{_sha(like.body)[:16]}…",
        )
    return decoded


def _check_address(
    fetcher: Fetcher,
    address: Address,
    served: Mapping[str, Answer],
    answers: dict[str, Answer],
    out: Outcome,
) -> None:
    if address.location is not None:
        for browser in (False, True):
            answer = fetcher.get(address.path, browser)
            if answer.status not in REDIRECTS or answer.header("location") != address.location:
                out.fail(
                    f.ADDRESS_CHANGED,
                    address.path,
                    f"HTTP {answer.status}{_to(answer)}{' to a browser' if browser else ''}, "
                    f"not the site function's redirect to {address.location}",
                )
                return
        return
    file = served[address.name]
    answer = answers[address.path] = fetcher.get(address.path)
    _identity_encoding(address.path, answer, out)
    # the released file's bytes, as served at its own path (if those differ from the release,
    # that is a finding about the file already)
    like = Answer(address.status, file.headers, file.body)
    if (answer.status, answer.body) != (like.status, like.body):
        out.fail(
            f.ADDRESS_CHANGED,
            address.path,
            f"HTTP {answer.status}, sha256 {_sha(answer.body)[:16]}…; expected HTTP "
            f"{address.status} with /{address.name} (sha256 {_sha(file.body)[:16]}…)",
        )
    _as_browser(fetcher, address.path, address.path, answer, answers, out)


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
                f"not sent with {name}"
                if served is None
                else f"{name} is served with {served!r}, the release says {value!r}"
            )
            out.fail(check, header, detail)
        for header in FORBIDDEN_HEADERS:
            if answer.header(header) is not None and (f.HEADER_FORBIDDEN, header, None) not in seen:
                seen.add((f.HEADER_FORBIDDEN, header, None))
                out.fail(
                    f.HEADER_FORBIDDEN, header.title(), f"sent with {name} (WEBCAT forbids it)"
                )
        vary = answer.header("vary")
        if vary is not None and (f.HEADER_VARY, vary, None) not in seen and _varies(vary):
            seen.add((f.HEADER_VARY, vary, None))
            out.fail(
                f.HEADER_VARY,
                "Vary",
                f"{name} is served with Vary {vary!r}: its bytes depend on more than the "
                "encoding, so browsers may get bytes this check did not",
            )
    if len(out.findings) == before:
        out.held.append(f"every answer carries the {len(document['headers'])} released headers")


# What a static site's answer may vary by: the encoding, and CORS (S3 names these).
HARMLESS_VARY = {
    "accept-encoding",
    "origin",
    "access-control-request-headers",
    "access-control-request-method",
}


def _varies(vary: str) -> bool:
    return any(t.strip().lower() not in HARMLESS_VARY for t in vary.split(",") if t.strip())


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
    """The recipients of channels.json as the verifier and as a browser got it (one finding
    per difference, even if both carry it)."""
    path = "/" + CHANNELS_JSON
    found = Outcome()
    for answer in (answers.get(path), answers.get(f"{path} (as a browser)")):
        if answer is None or answer.status != 200:
            continue  # the release lists no channels.json, or its absence is a finding already
        _check_channels(document, answer, found)
    out.findings += list(dict.fromkeys(found.findings))
    if found.ok:
        out.held += found.held[:1]


def _check_channels(document: Mapping[str, Any], answer: Answer, out: Outcome) -> None:
    if answer.status != 200:
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
