"""`peluit log`: the release log, kept by the operator as files the site serves under /log/.

    peluit log init   --log DIR --origin ORIGIN --key-out FILE
    peluit log append --log DIR --key FILE ENTRY...
    peluit log show   --log DIR --vkey VKEY [--witness VKEY]... [--entry N]
    peluit log cosign --log DIR --key FILE --witness VKEY COSIGNATURE

`init` makes the log's own Ed25519 key (FILE, readable by the operator only; ADR 0031) and
an empty log, and prints the key's public form (vkey) for witnesses and verifiers. `append`
adds each file as one entry and signs the new checkpoint. `show` checks the checkpoint's
signature, that the tiles give its root, and prints it; with --entry N it checks entry N's
inclusion proof and writes the entry to standard output. `cosign` attaches a witness's
cosignature (the line `peluit witness cosign` printed) after checking it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519

from peluit import tlog
from peluit.tlog.cosignature import cosignature_time

from .atomic import atomic_output


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit log", description="The release log (C2SP tlog).")
    sub = p.add_subparsers(dest="action", required=True)
    init = sub.add_parser("init", help="make the log key and an empty log")
    init.add_argument("--log", type=Path, required=True, help="the log's folder (new or empty)")
    init.add_argument("--origin", required=True, help="e.g. peluit.example.go.id/log")
    init.add_argument("--key-out", type=Path, required=True, help="where to write the log key")
    add = sub.add_parser("append", help="append files as entries, sign the new checkpoint")
    add.add_argument("--log", type=Path, required=True, help="the log's folder")
    add.add_argument("--key", type=Path, required=True, help="the log key file")
    add.add_argument("entries", type=Path, nargs="+", help="a file per entry (a release manifest)")
    show = sub.add_parser("show", help="check and print the checkpoint (or one entry)")
    show.add_argument("--log", type=Path, required=True, help="the log's folder")
    show.add_argument("--vkey", required=True, help="the log's verifier key")
    show.add_argument("--witness", action="append", default=[], help="a witness's verifier key")
    show.add_argument("--entry", type=int, help="write entry N (0-based) after checking it")
    cosign = sub.add_parser("cosign", help="attach a witness's cosignature to the checkpoint")
    cosign.add_argument("--log", type=Path, required=True, help="the log's folder")
    cosign.add_argument("--key", type=Path, required=True, help="the log key file")
    cosign.add_argument("--witness", required=True, help="the witness's verifier key")
    cosign.add_argument("cosignature", type=Path, help="the line `peluit witness cosign` wrote")
    return p


def _files(path: Path, must_exist: bool = True) -> tlog.DirectoryFiles:
    if must_exist and not (path / tlog.CHECKPOINT).is_file():
        raise tlog.LogStateError(f"{path} is not a release log (no checkpoint file)")
    return tlog.DirectoryFiles(path)


def _signer(path: Path) -> tlog.Ed25519Signer:
    return tlog.parse_skey(path.read_text(encoding="ascii", errors="replace"))


def _init(args: argparse.Namespace) -> int:
    if args.log.exists() and any(args.log.iterdir()):
        raise tlog.LogStateError(f"{args.log} is not empty: a log is made in a new folder")
    signer = tlog.Ed25519Signer(args.origin, ed25519.Ed25519PrivateKey.generate())
    with atomic_output(args.key_out, mode=0o600, exclusive=True) as out:
        out.write((signer.skey() + "\n").encode("ascii"))
    args.log.mkdir(parents=True, exist_ok=True)
    tlog.create_log(_files(args.log, must_exist=False), signer)
    print(f"log key written to {args.key_out} (keep it like the deploy credentials)")
    print(f"vkey: {signer.verifier().vkey()}")
    return 0


def _append(args: argparse.Namespace) -> int:
    signer = _signer(args.key)
    entries = [path.read_bytes() for path in args.entries]
    checkpoint = tlog.append(_files(args.log), signer, entries)
    first = checkpoint.size - len(entries)
    print(f"appended entries {first}..{checkpoint.size - 1}; the log has {checkpoint.size}")
    print(f"root: {checkpoint.text().splitlines()[2]}")
    return 0


def _show(args: argparse.Namespace) -> int:
    log_key = tlog.parse_vkey(args.vkey)
    witnesses = [tlog.parse_vkey(w) for w in args.witness]
    files = _files(args.log)
    checkpoint, note = tlog.read_checkpoint(files, log_key)
    _, verified = tlog.open_note(files.read(tlog.CHECKPOINT) or b"", [log_key, *witnesses])
    tlog.check_extends(files, None, checkpoint)
    if args.entry is not None:
        tiles = tlog.TileHashes(files, checkpoint.size)
        entry = tlog.read_entry(files, args.entry, checkpoint.size)
        proof = tlog.inclusion_proof(tiles, args.entry, checkpoint.size)
        tlog.verify_inclusion(
            args.entry, checkpoint.size, tlog.leaf_hash(entry), proof, checkpoint.root
        )
        sys.stdout.buffer.write(entry)
        return 0
    print(f"log: {checkpoint.origin}")
    print(f"size: {checkpoint.size}")
    print(f"root: {checkpoint.text().splitlines()[2]}")
    print(f"signed by the log key: {log_key.name}")
    for w in verified[1:]:
        sig = next(s for s in note.signatures if (s.name, s.key_id) == (w.name, w.key_id))
        when = datetime.fromtimestamp(cosignature_time(sig.signature), UTC)
        print(f"cosigned by: {w.name} at {when:%Y-%m-%d %H:%M:%S} UTC")
    for w in witnesses:
        if w not in verified:
            print(f"not cosigned by: {w.name}")
    return 0 if len(verified) == 1 + len(witnesses) else 1


def _cosign(args: argparse.Namespace) -> int:
    signer = _signer(args.key)
    witness = tlog.parse_vkey(args.witness)
    line = args.cosignature.read_bytes()
    added = tlog.add_cosignatures(_files(args.log), signer.verifier(), witness, line)
    print(f"cosignature of {added.name} attached to the checkpoint")
    return 0


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    run = {"init": _init, "append": _append, "show": _show, "cosign": _cosign}[args.action]
    try:
        return run(args)
    except (tlog.NoteSignatureError, tlog.ProofError, tlog.ForkError) as exc:
        print(f"peluit log: REFUSED: {exc}", file=sys.stderr)
        return 1
    except (tlog.TlogError, ValueError, OSError) as exc:
        print(f"peluit log: error: {exc}", file=sys.stderr)
        return 2
