"""`peluit witness`: oversight's check of the release log before it cosigns.

    peluit witness cosign --log DIR|URL --log-key VKEY --state DIR --key FILE
                          [--passphrase-file FILE] [--name NAME] [--out FILE]
    peluit witness vkey   --key FILE [--passphrase-file FILE] [--name NAME]

`cosign` reads the log's checkpoint and tiles (a folder, or the site's /log/ over HTTP),
checks the log key's signature, that the tiles give the checkpoint's root, and that the
checkpoint extends the last one this witness saw (kept in --state). Only then it writes its
cosignature line (C2SP tlog-cosignature, Ed25519, type 0x04, signed with the signing key of
the person's key file) to standard output or --out, for the operator's `peluit log cosign`.
A fork or a rollback is refused by name (exit 1) and the state is left as it was.
`vkey` prints the witness's verifier key, for the operator and for verifiers.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from peluit import tlog
from peluit.keys import KeyFile, KeyFileError, open_key_file

from .atomic import atomic_output
from .passphrase import PassphraseError, read_passphrase

MAX_FILE = 1 << 20  # a checkpoint, a tile (8 KiB) or a bundle is far smaller
STATE = "checkpoint"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit witness", description="Witness the release log.")
    sub = p.add_subparsers(dest="action", required=True)
    cosign = sub.add_parser("cosign", help="check the log and cosign its checkpoint")
    cosign.add_argument("--log", required=True, help="the log's folder or URL (…/log/)")
    cosign.add_argument("--log-key", required=True, help="the log's verifier key (vkey)")
    cosign.add_argument("--state", type=Path, required=True, help="this witness's state folder")
    vkey = sub.add_parser("vkey", help="print this witness's verifier key")
    for q in (cosign, vkey):
        q.add_argument("--key", type=Path, required=True, help="your key file")
        q.add_argument("--passphrase-file", type=Path, help="read the passphrase from a file")
        q.add_argument("--name", help="the witness's key name (default peluit-witness/<your id>)")
    cosign.add_argument("--out", type=Path, help="write the cosignature here, not to stdout")
    return p


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to another http(s) URL (urllib would also follow ftp)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme not in {"http", "https"}:
            raise OSError(f"{req.full_url}: redirected to a URL that is not http(s)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


class UrlFiles:
    """The log's files read over HTTP(S), only under the log's URL; never written."""

    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {base!r}")
        self.base = base if base.endswith("/") else base + "/"

    def read(self, path: str) -> bytes | None:
        url = self.base + path
        request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})  # noqa: S310
        try:
            with _OPENER.open(request, timeout=20) as answer:
                data: bytes = answer.read(MAX_FILE + 1)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise OSError(f"{self.base + path}: HTTP {exc.code}") from None
        except urllib.error.URLError as exc:
            raise OSError(f"{self.base + path}: {exc.reason}") from None
        if len(data) > MAX_FILE:
            raise OSError(f"{self.base + path}: larger than {MAX_FILE} bytes")
        return data

    def write(self, path: str, data: bytes) -> None:
        raise OSError("a witness does not write to the log")


def _log_files(where: str) -> tlog.LogFiles:
    if where.startswith(("http://", "https://")):
        return UrlFiles(where)
    folder = Path(where)
    if not folder.is_dir():
        raise ValueError(f"{where!r} is neither a folder nor an http(s) URL")
    return tlog.DirectoryFiles(folder)


def _key(args: argparse.Namespace) -> KeyFile:
    data = args.key.read_bytes()
    prompt = f"Frasa sandi / passphrase ({args.key}): "
    return open_key_file(data, read_passphrase(args.passphrase_file, False, prompt))


def _name(args: argparse.Namespace, key: KeyFile) -> str:
    return str(args.name or f"peluit-witness/{key.person}")


def _vkey(args: argparse.Namespace) -> int:
    key = _key(args)
    print(tlog.CosignatureSigner(_name(args, key), key.signing_key, 0).verifier().vkey())
    return 0


def _cosign(args: argparse.Namespace) -> int:
    log_key = tlog.parse_vkey(args.log_key)
    files = _log_files(args.log)
    state_file = args.state / STATE
    state = state_file.read_bytes() if state_file.is_file() else None
    key = _key(args)
    signer = tlog.CosignatureSigner(_name(args, key), key.signing_key, int(time.time()))
    done = tlog.witness(files, log_key, state, signer)
    args.state.mkdir(parents=True, exist_ok=True, mode=0o700)
    with atomic_output(state_file, mode=0o600) as out:
        out.write(done.note.encode())
    line = done.cosignature.line()
    if args.out is not None:
        with atomic_output(args.out, mode=0o644) as out:
            out.write(line.encode("utf-8"))
    else:
        sys.stdout.write(line)
    seen = f"extends the {done.previous.size} seen before" if done.previous else "first seen"
    print(
        f"cosigned {done.checkpoint.origin} at {done.checkpoint.size} entries ({seen})",
        file=sys.stderr,
    )
    return 0


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        return _vkey(args) if args.action == "vkey" else _cosign(args)
    except (tlog.ForkError, tlog.RollbackError, tlog.NoteSignatureError, tlog.ProofError) as exc:
        print(f"peluit witness: REFUSED, not cosigned: {exc}", file=sys.stderr)
        return 1
    except (tlog.TlogError, KeyFileError, PassphraseError, ValueError, OSError) as exc:
        print(f"peluit witness: error: {exc}", file=sys.stderr)
        return 2
