"""`peluit release`: make the site's release, sign it one signer after another, show and
verify it (docs/operator-guide.md#signing-a-release, docs/format.md#release)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from peluit import release
from peluit.config import Config, ConfigError, load_config
from peluit.deploy.release_log import check_log_options, publish_log
from peluit.keys import KeyFileError, open_key_file
from peluit.release.checks import check_release
from peluit.release.manifest import parse_manifest
from peluit.site import SiteError, build_site
from peluit.site.build import SOURCE_DIR
from peluit.verify.trust import trust_from_config

from .atomic import atomic_output
from .passphrase import PassphraseError, read_passphrase


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="peluit release",
        description="A signed release of the public site: the manifest of every served file, "
        "the headers, the roster and the recipients, signed by the configuration's release "
        "signers (C2SP signed note). peluit deploy publishes only a release signed by enough "
        "of them.",
    )
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    make = sub.add_parser("make", help="build the site and write its release, not signed yet")
    make.add_argument("--config", type=Path, required=True, help="peluit.toml")
    make.add_argument("--out", type=Path, required=True, help="the release file to write (new)")
    make.add_argument("--site", type=Path, help="also keep the built site in this folder")
    sign = sub.add_parser("sign", help="add your signature to a release file")
    sign.add_argument("file", type=Path, help="the release file (it is rewritten)")
    sign.add_argument("--config", type=Path, required=True, help="peluit.toml")
    sign.add_argument("--key", type=Path, required=True, help="your key file (peluit keygen)")
    sign.add_argument(
        "--passphrase-file", type=Path, help="read the passphrase from a file (default: ask)"
    )
    show = sub.add_parser("show", help="what a release says and who signed it")
    show.add_argument("file", type=Path, help="the release file")
    show.add_argument("--config", type=Path, help="peluit.toml: check the signatures too")
    verify = sub.add_parser("verify", help="exit 0 only if enough signers signed it")
    verify.add_argument("file", type=Path, help="the release file")
    verify.add_argument("--config", type=Path, required=True, help="peluit.toml")
    verify.add_argument(
        "--site", type=Path, help="a built site folder: check that it is the one signed"
    )
    log = sub.add_parser("log", help="append a signed release to the release log (before deploy)")
    log.add_argument("file", type=Path, help="the release file, signed by the threshold")
    log.add_argument("--config", type=Path, required=True, help="peluit.toml")
    log.add_argument("--log", type=Path, required=True, help="the release log's folder")
    log.add_argument("--log-key", type=Path, required=True, help="the release log's key file")
    trust = sub.add_parser(
        "trust", help="write the trust file verifiers keep (peluit verify-site --trust)"
    )
    trust.add_argument("--config", type=Path, required=True, help="peluit.toml")
    trust.add_argument("--out", type=Path, required=True, help="the trust file to write (new)")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        actions = {
            "make": _make,
            "sign": _sign,
            "show": _show,
            "verify": _verify,
            "trust": _trust,
            "log": _log,
        }
        return actions[args.action](args)
    except (
        release.ReleaseError,
        ConfigError,
        SiteError,
        KeyFileError,
        PassphraseError,
        OSError,
    ) as exc:
        print(f"peluit release {args.action}: error: {_one_line(exc)}", file=sys.stderr)
        return 1


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _read(path: Path) -> release.Note:
    return release.parse_note(path.read_bytes())


def _write(path: Path, note: release.Note, exclusive: bool = False) -> None:
    with atomic_output(path, mode=0o644, exclusive=exclusive) as out:
        out.write(note.encode())


def _make(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if args.out.exists():
        raise FileExistsError(f"{args.out} already exists: give a new file name")
    with tempfile.TemporaryDirectory(prefix="peluit-release-") as tmp:
        site = args.site if args.site is not None else Path(tmp) / "site"
        build_site(args.config, site)
        note = release.make_release(config, site, release.source_commit(SOURCE_DIR))
    _write(args.out, note, exclusive=True)
    document = parse_manifest(note.text)
    print(f"{args.out}: release of commit {document['commit']}, {len(document['files'])} files")
    print(f"  not signed yet: {_signers_line(config)}")
    return 0


def _signers_line(config: Config) -> str:
    if config.release is None:
        return "the configuration names no release signers ([release] section)"
    return (
        f"{config.release.threshold} of {', '.join(config.release.signers)} must run "
        "`peluit release sign`"
    )


def _sign(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    note = _read(args.file)
    parse_manifest(note.text)
    release.check_signatures(config, note)  # a broken signature stops here, before asking
    passphrase = read_passphrase(args.passphrase_file, confirm=False)
    key = open_key_file(args.key.read_bytes(), passphrase)
    signed = release.sign_as(config, note, key)
    _write(args.file, signed)
    status = release.check_signatures(config, signed).describe()
    print(f"{args.file}: signed by {key.person}; {status}")
    return 0


def _show(args: argparse.Namespace) -> int:
    note = _read(args.file)
    document = parse_manifest(note.text)
    print(f"format:   {document['format']}")
    print(f"commit:   {document['commit']}")
    print(f"site:     {document['site_url']}")
    print(f"files:    {len(document['files'])}")
    for name, value in document["headers"].items():
        print(f"header:   {name}: {value}")
    for person in document["roster"]:
        print(
            f"person:   {person['id']} ({', '.join(person['roles'])}) "
            f"fingerprint {person['fingerprint'] or '(no signing key)'}"
        )
    for channel in document["channels"]:
        print(
            f"channel:  {channel['id']}: reports to {', '.join(channel['report_recipients'])}; "
            f"identity to {', '.join(channel['identity_recipients']) or 'nobody'}"
        )
    policy = document["release"]
    if policy is not None:
        print(f"signers:  {policy['threshold']} of {', '.join(policy['signers'])}")
    for signature in note.signatures:
        print(f"signature: {signature.name}")
    if args.config is not None:
        print(f"status:   {release.check_signatures(load_config(args.config), note).describe()}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    note = _read(args.file)
    document = parse_manifest(note.text)
    if args.site is not None:
        result = check_release(config, note, args.site, document["commit"])
        print(f"{args.file}: {result.describe()}; the site in {args.site} is the one signed")
        return 0
    result = release.require_threshold(config, note)
    print(f"{args.file}: {result.describe()}")
    return 0


def _trust(args: argparse.Namespace) -> int:
    """The trust file of this configuration: its release signers, threshold, log key and
    witnesses (docs/format.md#the-trust-file)."""
    config = load_config(args.config)
    trust = trust_from_config(config)
    if trust is None or trust.log_key is None:
        raise release.ReleaseError(
            "the configuration's [release] section names no log_key and witnesses: a verifier "
            "needs both (docs/operator-guide.md#the-release-log)"
        )
    with atomic_output(args.out, mode=0o644, exclusive=True) as out:
        out.write(trust.text().encode("utf-8"))
    print(
        f"{args.out}: {len(trust.signers)} release signers ({trust.threshold} needed), "
        f"log {trust.log_key.name}, {len(trust.witnesses)} witnesses "
        f"({trust.witness_threshold} needed)"
    )
    print("  give it to KPK; they check each key with the person it names")
    return 0


def _log(args: argparse.Namespace) -> int:
    """Append the release (signed by the threshold) to the log folder, so the witnesses can
    cosign it before `peluit deploy` publishes it (docs/operator-guide.md#the-release-log)."""
    config = load_config(args.config)
    data = args.file.read_bytes()
    result = release.require_threshold(config, release.parse_note(data))
    refusal = check_log_options(config, args.log, args.log_key)
    if refusal is not None:
        raise release.ReleaseError(refusal)
    said: list[str] = []
    publish_log(config, args.log, args.log_key, data, None, said.append)
    for line in said:
        print(line)
    print(f"{args.file}: {result.describe()}")
    print(f"  next: each witness runs `peluit witness cosign --log {args.log} …`; attach their")
    print("  lines with `peluit log cosign`; then `peluit deploy --release … --log … --log-key …`")
    return 0
