"""Object keys of the storage layout (docs/format.md); the same on S3 and locally."""

import hashlib
from datetime import date


def staging_segment(submission: str, file: int, segment: int) -> str:
    return f"staging/{submission}/{file:02d}/{segment:05d}.age"


def staging_reply_segment(upload: str, file: int, segment: int) -> str:
    """A segment of a file a reviewer attaches to a message to the reporter, before the message
    is posted: its own prefix, so the reviewer role can stage (and read) only these."""
    return f"staging/replies/{upload}/{file:02d}/{segment:05d}.age"


def staging_reply_claim(upload: str) -> str:
    return f"staging/replies/{upload}/claim.json"


def staging_claim(submission: str) -> str:
    """Which case the staging area belongs to (peluit/core/staging.py). Never presigned: a
    browser can only PUT `staging_segment` keys."""
    return f"staging/{submission}/claim.json"


def case_prefix(case: str) -> str:
    return f"cases/{case}/"


def case_marker(case: str) -> str:
    return f"cases/{case}/submission.json"


def case_report(case: str) -> str:
    return f"cases/{case}/report.age"


def case_identity(case: str) -> str:
    return f"cases/{case}/identity.age"


def case_segment(case: str, file: int, segment: int) -> str:
    return f"cases/{case}/files/{file:02d}/{segment:05d}.age"


def case_reply_prefix(case: str, upload: str) -> str:
    return f"cases/{case}/replies/{upload}/"


def case_reply_segment(case: str, upload: str, file: int, segment: int) -> str:
    """A segment of a file the review team attached to a message to the reporter: copied from
    `staging/{upload}/…` when the message is posted; its manifest is inside the message."""
    return f"cases/{case}/replies/{upload}/{file:02d}/{segment:05d}.age"


def case_state(case: str) -> str:
    return f"cases/{case}/state.json"


def lookup(lookup_hash: bytes) -> str:
    return f"lookup/{lookup_hash.hex()}.json"


def case_reply(case: str) -> str:
    """The reporter's reply recipient, so the review team can answer without the lookup."""
    return f"cases/{case}/reply.json"


def case_thread_prefix(case: str) -> str:
    return f"cases/{case}/thread/"


def case_message(case: str, seq: int, sender: str) -> str:
    return f"cases/{case}/thread/{seq:05d}-{sender}.age"


def case_message_claim(case: str, seq: int) -> str:
    """Claims sequence number `seq` for one message, whoever writes it; holds the sender and
    the SHA-256 of that message (empty in claims written before Peluit stored them)."""
    return f"cases/{case}/thread/{seq:05d}.seq"


def case_additions_prefix(case: str) -> str:
    return f"cases/{case}/additions/"


def case_addition(case: str, first: int) -> str:
    """Evidence the reporter added later: claims file numbers `first`… and names the
    manifest message that describes them (peluit/core/evidence.py)."""
    return f"cases/{case}/additions/{first:02d}.json"


def read_marker(case: str, person: str) -> str:
    """The last thread message a reviewer or overseer has seen (peluit/core/reads.py)."""
    return f"reads/{case}/{person}.json"


def read_markers_prefix(case: str) -> str:
    """Every person's read marker of a case (the notification scan lists them)."""
    return f"reads/{case}/"


def case_note(case: str, sha256: bytes) -> str:
    """An encrypted reason (status change, identity request or refusal), named by its hash."""
    return f"cases/{case}/notes/{sha256.hex()}.age"


def case_grant(case: str, reviewer: str) -> str:
    """The identity block re-encrypted by a custodian to one reviewer."""
    return f"cases/{case}/identity-grants/{reviewer}.age"


def case_index_prefix(channel: str) -> str:
    return f"index/cases/{channel}/"


def case_index(channel: str, received: str, case: str) -> str:
    """An empty marker listing a case under its channel and received day (YYYY-MM-DD). The
    day is written as 99999999 - YYYYMMDD (`index_day`), so that the keys sort newest day
    first, then by case id: the order a listing pages through, from any case on."""
    return f"index/cases/{channel}/{index_day(received)}/{case}"


def thread_index_prefix(channel: str) -> str:
    return f"index/threads/{channel}/"


def thread_index(channel: str, received: str, case: str) -> str:
    """An empty marker that the case's thread has (or is about to have) a message, written
    create-only before its first message's claim; keyed and sorted as `case_index`, so that
    a listing reads a page's markers with one listing (ADR 0056)."""
    return f"index/threads/{channel}/{index_day(received)}/{case}"


def index_day(received: str) -> str:
    """`2025-03-07` -> `79749692` (99999999 - 20250307, eight digits)."""
    year, month, day = received.split("-")
    return f"{99_999_999 - int(year + month + day):08d}"


def index_day_received(name: str) -> str | None:
    """The inverse of `index_day`; None for a name that is not one."""
    if len(name) != 8 or not name.isascii() or not name.isdigit():
        return None
    value = f"{99_999_999 - int(name):08d}"
    received = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    try:
        date.fromisoformat(received)
    except ValueError:
        return None
    return received


def identity_request_prefix() -> str:
    return "identity-requests/"


def identity_request(case: str, reviewer: str) -> str:
    return f"identity-requests/{case}/{reviewer}.json"


def audit_event(seq: int) -> str:
    return f"audit/{seq:08d}.json"


def audit_head() -> str:
    """A hint, never trusted: a lower bound on the next free audit sequence number."""
    return "audit/head.json"


def nonce(key_id: str, nonce_value: str) -> str:
    digest = hashlib.sha256(f"{key_id}:{nonce_value}".encode()).hexdigest()
    return f"nonces/{digest}"
