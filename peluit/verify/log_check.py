"""The release log as the site serves it: the checkpoint signed by the log key and cosigned
by enough trusted witnesses, its tiles giving its root, consistent with the checkpoint seen
last (no fork, no rollback), the served release included and the log's newest (no rollback
of the site to an older logged release), the newest trusted cosignature recent and none
from the future (a frozen log view goes stale), and every entry added since the last check
a release signed by the threshold (its archived file)."""

from __future__ import annotations

import hashlib
import time

from peluit import release, tlog
from peluit.release.log import Record, RecordError, archive_path, find_record, parse_record
from peluit.release.note import verified_by
from peluit.tlog.cosignature import cosignature_time
from peluit.tlog.note import Note, signature_checks
from peluit.tlog.witness import previous_checkpoint

from . import findings as f
from .findings import Outcome
from .trust import Trust

CHECKPOINT = "log/checkpoint"
MAX_NEW_ENTRIES = 1000  # entries checked one by one in one run (a monitor catches up over runs)
CLOCK_SKEW = 300  # seconds a cosignature may be ahead of this machine's clock
DAY = 86_400


def check_log(
    files: tlog.LogFiles,
    trust: Trust,
    state: bytes | None,
    record: Record | None,
    out: Outcome,
    now: float,
) -> None:
    log_key = trust.log_key
    if log_key is None:
        return
    data = files.read(tlog.CHECKPOINT)
    if data is None:
        out.fail(f.LOG_MISSING, CHECKPOINT, "the site serves no release log")
        return
    try:
        note, verified = tlog.open_note(data, [log_key, *trust.witnesses])
        checkpoint = tlog.parse_checkpoint(note.text)
    except (tlog.NoteSignatureError, tlog.NoteFormatError, tlog.CheckpointFormatError) as exc:
        out.fail(f.LOG_SIGNATURE, CHECKPOINT, str(exc))
        return
    sound = True
    if log_key not in verified or checkpoint.origin != log_key.name:
        out.fail(f.LOG_SIGNATURE, CHECKPOINT, f"not a checkpoint signed by {log_key.name}")
        return
    cosigned = [w.name for w in verified if w is not log_key]
    _fresh(note, trust, now, out)
    if len(cosigned) < trust.witness_threshold:
        sound = False
        out.fail(
            f.LOG_COSIGNATURES,
            CHECKPOINT,
            f"cosigned by {', '.join(cosigned) or 'no trusted witness'}: "
            f"{len(cosigned)} of the {trust.witness_threshold} needed",
        )
    try:
        previous = previous_checkpoint(state, log_key)
    except tlog.LogStateError as exc:
        out.fail(f.STATE, "state", str(exc))
        return
    try:
        tlog.check_extends(files, previous, checkpoint)
    except tlog.ForkError as exc:
        out.fail(f.LOG_FORK, CHECKPOINT, str(exc))
        return
    except tlog.RollbackError as exc:
        out.fail(f.LOG_ROLLBACK, CHECKPOINT, str(exc))
        return
    except (tlog.ProofError, tlog.TileError) as exc:
        out.fail(f.LOG_TILES, CHECKPOINT, str(exc))
        return
    seen = f"extends the {previous.size} seen before" if previous else "first seen"
    out.held.append(f"log at {checkpoint.size} entries, cosigned by {', '.join(cosigned)}; {seen}")
    if sound:
        out.checkpoint = data
    if record is not None:
        _check_inclusion(files, checkpoint, record, out)
    first = previous.size if previous is not None else 0
    _check_new_entries(files, trust, checkpoint, max(first, checkpoint.size - MAX_NEW_ENTRIES), out)


def _check_inclusion(
    files: tlog.LogFiles, checkpoint: tlog.Checkpoint, record: Record, out: Outcome
) -> None:
    subject = "/" + release.RELEASE_PATH
    try:
        index = find_record(files, checkpoint.size, record)
        if index is None:
            out.fail(
                f.LOG_INCLUSION,
                subject,
                f"the served release (manifest sha256 {record.sha256[:16]}…) is not in the log "
                f"of {checkpoint.size} entries",
            )
            return
        proof = tlog.inclusion_proof(
            tlog.TileHashes(files, checkpoint.size), index, checkpoint.size
        )
        tlog.verify_inclusion(
            index, checkpoint.size, tlog.leaf_hash(record.encode()), proof, checkpoint.root
        )
    except (tlog.ProofError, tlog.TileError) as exc:
        out.fail(f.LOG_INCLUSION, subject, str(exc))
        return
    out.held.append(f"the served release is entry {index} of the log")
    if index == checkpoint.size - 1:
        return
    try:
        newest = parse_record(tlog.read_entry(files, checkpoint.size - 1, checkpoint.size))
    except (RecordError, tlog.TileError) as exc:
        out.fail(f.LOG_ENTRY, f"log entry {checkpoint.size - 1}", str(exc))
        return
    out.fail(
        f.OLDER_RELEASE,
        subject,
        f"the site serves the release of log entry {index} (commit {record.commit[:12]}), "
        f"not the newest, entry {checkpoint.size - 1} (commit {newest.commit[:12]}, "
        f"manifest sha256 {newest.sha256[:16]}…): a rollback to an older release",
    )


def _fresh(note: Note, trust: Trust, now: float, out: Outcome) -> None:
    """The trusted witnesses' cosignatures: none dated in the future (beyond CLOCK_SKEW), the
    newest at most `trust.max_age_days` old (a log view frozen by whoever serves it, with the
    witnesses' old cosignatures, looks valid forever otherwise)."""
    times = [
        cosignature_time(sig.signature)
        for sig, _, valid in signature_checks(note, list(trust.witnesses))
        if valid
    ]
    if not times:
        return  # no trusted cosignature: a log-cosignatures finding already
    ahead = [t for t in times if t > now + CLOCK_SKEW]
    if ahead:
        out.fail(
            f.LOG_COSIGNATURE_FUTURE,
            CHECKPOINT,
            f"a cosignature dated {_when(max(ahead))}, after this machine's clock "
            f"({_when(int(now))}): a witness's clock is wrong or the cosignature is made up",
        )
        return
    newest = max(times)
    if now - newest > trust.max_age_days * DAY:
        out.fail(
            f.LOG_STALE,
            CHECKPOINT,
            f"the newest trusted cosignature is of {_when(newest)}, more than "
            f"{trust.max_age_days} days ago: the witnesses have not seen this log since, "
            "or the site serves an old view of it",
        )


def _when(timestamp: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(timestamp))


def _check_new_entries(
    files: tlog.LogFiles, trust: Trust, checkpoint: tlog.Checkpoint, first: int, out: Outcome
) -> None:
    """Each entry since the last check: a release record whose archived release is that
    manifest and is signed by the trusted threshold (a release logged but never shown here
    is still one KPK should know of)."""
    for index in range(first, checkpoint.size):
        subject = f"log entry {index}"
        try:
            record = parse_record(tlog.read_entry(files, index, checkpoint.size))
            data = files.read(archive_path(record.sha256))
            if data is None:
                out.fail(
                    f.LOG_ENTRY,
                    subject,
                    f"no archived release at log/{archive_path(record.sha256)}",
                )
                continue
            note = release.parse_note(data)
            if hashlib.sha256(note.text.encode("utf-8")).hexdigest() != record.sha256:
                out.fail(f.LOG_ENTRY, subject, "the archived release is not the one logged")
                continue
            names = verified_by(note, list(trust.signers))
        except (RecordError, release.ReleaseError, tlog.TileError) as exc:
            out.fail(f.LOG_ENTRY, subject, str(exc))
            continue
        if len(names) < trust.threshold:
            out.fail(
                f.LOG_ENTRY,
                subject,
                f"a logged release signed by {len(names)} of the {trust.threshold} needed",
            )
