"""Which case a staging area belongs to: `staging/{upload}/claim.json`.

A browser uploads segments once under `staging/{upload}/…` (peluit/core/submission.py); the
server then copies them into one case, either as the attachments of the report finalized
under that id or as evidence added later to one case. Without a record of where they went,
the same upload could be named again and again and copied into case after case (files kept
under Object Lock) for the price of one upload.

So before it copies anything out of a staging area, the server creates, create-only:

    staging/{upload}/claim.json
    {"version": 1, "use": "report" | "evidence" | "reply",
     "case": "<hex SHA-256 of b'peluit/staging-claim/v1\\x00' + case id>"}

A request for the same case and use (a retry) finds its own claim and goes on; any other
gets `StagingClaimedError`. The claim holds nothing about the reporter (no receipt code, no
lookup hash) and names the case only by a hash. It expires with the staging area (two days,
in no fixed order with its segments): an id reused after that can at most have fresh uploads
copied once more, into one case, never the same upload into many.

A browser cannot write the claim itself: presigned uploads are only ever issued for
`layout.staging_segment` keys (`{file:02d}/{segment:05d}.age`).
"""

from __future__ import annotations

import hashlib
from typing import Literal

from peluit.store.errors import ObjectExistsError, ObjectNotFoundError
from peluit.store.port import ObjectStore

from . import layout
from .canonical import canonical
from .errors import StagingClaimedError

Use = Literal["report", "evidence", "reply"]
REPORT: Use = "report"
EVIDENCE: Use = "evidence"
REPLY: Use = "reply"  # files a reviewer attaches to a message to the reporter
_ATTEMPTS = 2  # a claim that expires between our write and our read is made again once


def claim_bytes(case: str, use: Use) -> bytes:
    digest = hashlib.sha256(b"peluit/staging-claim/v1\x00" + case.encode()).hexdigest()
    return canonical({"version": 1, "use": use, "case": digest})


def claim(store: ObjectStore, upload: str, case: str, use: Use) -> None:
    """Bind `staging/{upload}/` to `case` for `use`; `StagingClaimedError` if it is bound to
    anything else."""
    key = layout.staging_reply_claim(upload) if use == REPLY else layout.staging_claim(upload)
    mine = claim_bytes(case, use)
    for _ in range(_ATTEMPTS):
        try:
            store.put_new(key, mine)
        except ObjectExistsError:
            theirs = _existing(store, key)
            if theirs is None:
                continue  # expired in between
            if theirs != mine:
                break
        return
    raise StagingClaimedError("these uploaded files already belong to another case")


def check_free(store: ObjectStore, upload: str, case: str, use: Use) -> None:
    """`StagingClaimedError` now if `staging/{upload}/` is already bound to anything else: a
    read before a request writes anything, so that a refused request leaves nothing behind
    (`claim` still decides, create-only, when requests race)."""
    key = layout.staging_reply_claim(upload) if use == REPLY else layout.staging_claim(upload)
    theirs = _existing(store, key)
    if theirs is not None and theirs != claim_bytes(case, use):
        raise StagingClaimedError("these uploaded files already belong to another case")


def _existing(store: ObjectStore, key: str) -> bytes | None:
    try:
        return store.get(key)
    except ObjectNotFoundError:
        return None
