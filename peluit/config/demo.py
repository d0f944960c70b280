"""A demo configuration with fresh demo key files, so `peluit serve` and `peluit review` work
on a fresh machine.

Each demo person gets a real key file (`demo-keys/{id}.key`, the format `peluit keygen`
writes: hybrid age identity + Ed25519 signing key, sealed with a passphrase) and a roster
entry with both public keys. What makes them demo keys, and wrong for real reports:

* every key file is sealed with the same passphrase, `DEMO_PASSPHRASE`, printed by
  `peluit serve` and written in `demo-keys/README.txt` beside the keys;
* the scrypt work factor is `DEMO_WORK_FACTOR` (2^10), cheap on purpose so that tests and
  a first try stay fast. Real key files use 2^18 (`peluit keygen`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import tomllib
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ed25519

from peluit import tlog
from peluit.keys import KeyFile, open_key_file, seal

DEMO_PASSPHRASE = "demo-peluit-bukan-rahasia"  # noqa: S105 - published on purpose: demo only
DEMO_WORK_FACTOR = 10
CONFIG_NAME = "peluit.demo.toml"
KEYS_DIR = "demo-keys"
README = "README.txt"
# The demo's release signers (docs/operator-guide.md): oversight and a head of the team, as a
# real configuration would name them. `peluit serve` signs the demo release with both keys.
DEMO_RELEASE = '\n[release]\nsigners = ["kpk-liaison", "agus"]\nthreshold = 2\n'
# The demo's release log (docs/adr/0039): its key beside the configuration, the KPK liaison
# its witness. `peluit serve` appends each new release and cosigns with the demo key.
LOG_KEY = "log.key"
DEMO_LOG = 'log_key = "{vkey}"\nwitnesses = ["kpk-liaison"]\nwitness_threshold = 1\n'

DEMO_BANNER = (
    "# DEMO configuration made by `peluit serve`. Its key files are in the demo-keys folder\n"
    f'# beside it, all sealed with the published passphrase "{DEMO_PASSPHRASE}":\n'
    "# anyone who can read that folder can read every report. Never use it for real\n"
    "# reports; write your own peluit.toml (see docs/operator-guide.md).\n"
)

README_TEMPLATE = f"""DEMO KEYS — FOR TRYING PELUIT ON THIS MACHINE ONLY
KUNCI DEMO — HANYA UNTUK MENCOBA PELUIT DI KOMPUTER INI

Every key file here is sealed with the same passphrase, published here and printed by
`peluit serve`:

    {DEMO_PASSPHRASE}

Semua berkas kunci di sini memakai frasa sandi yang sama, yang tertulis di atas.

Try the review console (with `peluit serve` running; from the source folder, `peluit` is
.venv/bin/peluit unless you ran `source .venv/bin/activate`):

    peluit review --key {{keys}}/rina.key --server {{server}}

People: rina (reviewer), agus (reviewer and identity custodian), dewi (gratification
reviewer and custodian), kpk-liaison (oversight, read only).

Why these keys must never protect real reports:
* the passphrase is public, so the key files protect nothing;
* they are sealed with a cheap scrypt work factor (2^{DEMO_WORK_FACTOR}) so that demos and tests
  open them instantly. A real key file (`peluit keygen`) uses 2^18, which makes every guess
  at its passphrase cost about a quarter of a second and 256 MiB. A cheap work factor is
  NOT acceptable for a real key file.

Real reviewers make their own key files on their own machines with `peluit keygen`,
choose their own passphrase, and give the operator only the printed public entry.
"""


def readme_text(keys_dir: Path, site_url: str) -> str:
    """The demo keys' README, naming the key files by their absolute path (it is read from
    anywhere, not only from the folder `peluit serve` ran in) and the demo's own server."""
    return README_TEMPLATE.format(keys=keys_dir.resolve(), server=site_url.rstrip("/"))


def example_config_text() -> str:
    return resources.files("peluit.config").joinpath("example.toml").read_text(encoding="utf-8")


def demo_keys_dir(data_dir: Path) -> Path:
    return data_dir / KEYS_DIR


def demo_key_path(data_dir: Path, person: str) -> Path:
    return demo_keys_dir(data_dir) / f"{person}.key"


def open_demo_key(data_dir: Path, person: str) -> KeyFile:
    """A demo person's key file, opened with the demo passphrase."""
    return open_key_file(demo_key_path(data_dir, person).read_bytes(), DEMO_PASSPHRASE)


def is_outdated(data_dir: Path) -> bool:
    """A demo made by an older Peluit: a configuration, but no sealed demo key files."""
    return (data_dir / CONFIG_NAME).exists() and not (demo_keys_dir(data_dir) / README).exists()


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def ensure_demo(data_dir: Path, site_url: str) -> Path:
    """Return the demo config under `data_dir`, creating it and its key files on first use.

    The key files are made in a temporary folder renamed into place, and the configuration
    written last, so an interrupted first run leaves no half-made demo behind."""
    config_path = data_dir / CONFIG_NAME
    if config_path.exists():
        return config_path
    text = example_config_text()
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    making = Path(tempfile.mkdtemp(prefix=f".{KEYS_DIR}.", dir=data_dir))  # mode 0700
    for person in tomllib.loads(text)["people"]:
        key = KeyFile.generate(person["id"], person["name"], tuple(person["roles"]))
        text = text.replace(
            f'age_recipient = "{person["age_recipient"]}"',
            f'age_recipient = "{key.age_recipient}"\nsigning_key = "{key.signing_public_key}"',
        )
        _write_new(making / f"{key.person}.key", seal(key, DEMO_PASSPHRASE, DEMO_WORK_FACTOR))
    _write_new(making / README, readme_text(demo_keys_dir(data_dir), site_url).encode("utf-8"))
    try:
        making.rename(demo_keys_dir(data_dir))
    except OSError:
        shutil.rmtree(making)
        raise OSError(
            f"{demo_keys_dir(data_dir)} exists without {CONFIG_NAME}: move it away and start again"
        ) from None
    text = text.replace('site_url = "https://wbs.batangharikab.go.id"', f'site_url = "{site_url}"')
    text = text.replace(
        'name = { id = "Pemerintah Kabupaten Batanghari", en = "Batanghari Regency Government" }',
        'name = { id = "DEMO Pemerintah Kabupaten Batanghari", en = "DEMO Batanghari Regency" }',
    )
    log_signer = tlog.Ed25519Signer(
        f"{urlsplit(site_url).netloc}/log", ed25519.Ed25519PrivateKey.generate()
    )
    log_key = data_dir / LOG_KEY
    log_key.unlink(missing_ok=True)  # left by an interrupted first run: its vkey is in no config
    _write_new(log_key, (log_signer.skey() + "\n").encode("ascii"))
    release = DEMO_RELEASE + DEMO_LOG.format(vkey=log_signer.verifier().vkey())
    partial = config_path.with_name(f".{CONFIG_NAME}.part")
    partial.write_text(DEMO_BANNER + text + release, encoding="utf-8")
    partial.replace(config_path)
    return config_path
