"""The served release: a signed note, its manifest, and a threshold of the trusted release
signers' signatures (the signers and threshold are the trust file's, never the release's)."""

from __future__ import annotations

from typing import Any

from peluit import release
from peluit.release.note import verified_by

from . import findings as f
from .fetch import Fetcher
from .findings import Outcome
from .trust import Trust


def check_release(
    fetcher: Fetcher, trust: Trust, out: Outcome
) -> tuple[release.Note, dict[str, Any]] | None:
    """The release and its manifest, if there is one to check the site against (even if its
    signatures fall short: the files are still compared, and the shortfall is a finding)."""
    path = "/" + release.RELEASE_PATH
    answer = fetcher.get(path)
    if answer.status != 200:
        out.fail(f.RELEASE_MISSING, path, f"HTTP {answer.status}, not the signed release")
        return None
    try:
        note = release.parse_note(answer.body)
        document = release.parse_manifest(note.text)
    except release.ReleaseError as exc:
        out.fail(f.RELEASE_FORMAT, path, str(exc))
        return None
    try:
        names = verified_by(note, list(trust.signers))
    except release.SignatureError as exc:
        out.fail(f.RELEASE_SIGNATURE, path, str(exc))
        names = []
    if len(names) < trust.threshold:
        who = ", ".join(n.rsplit("/", 1)[-1] for n in names) or "nobody"
        out.fail(
            f.RELEASE_THRESHOLD,
            path,
            f"signed by {who}: {len(names)} of the {trust.threshold} trusted signatures needed",
        )
    else:
        out.held.append(f"release signed by {len(names)} of the {trust.threshold} needed")
    if document["site_url"] != trust.site_url:
        out.fail(
            f.RELEASE_SITE,
            path,
            f"a release of {document['site_url']}, not of {trust.site_url} (the trust file's)",
        )
    return note, document
