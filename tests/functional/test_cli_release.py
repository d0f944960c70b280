"""`peluit release` from the command line, as two signers and an operator use it: make, sign
one after the other with their key files (the file travels), show, verify against the built
site; each refusal is one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from peluit.cli.main import main
from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path, ensure_demo

pytestmark = pytest.mark.functional


def test_make_sign_show_and_verify_a_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo"
    config = str(ensure_demo(demo, "http://127.0.0.1:8000"))
    passphrase = tmp_path / "passphrase"
    passphrase.write_text(DEMO_PASSPHRASE + "\n", encoding="utf-8")
    note, site = tmp_path / "release.note", tmp_path / "site"

    def sign(person: str) -> int:
        key = str(demo_key_path(demo, person))
        options = ["--config", config, "--key", key, "--passphrase-file", str(passphrase)]
        return main(["release", "sign", str(note), *options])

    assert (
        main(["release", "make", "--config", config, "--out", str(note), "--site", str(site)]) == 0
    )
    assert "not signed yet: 2 of kpk-liaison, agus must run" in capsys.readouterr().out
    assert main(["release", "verify", str(note), "--config", config]) == 1
    assert "signed by nobody: 0 of the 2 needed" in capsys.readouterr().err

    assert sign("agus") == 0
    assert "signed by agus; signed by agus: 1 of the 2 needed" in capsys.readouterr().out
    assert sign("rina") == 1
    assert capsys.readouterr().err == (
        "peluit release sign: error: rina is not a release signer of this configuration "
        "(kpk-liaison, agus)\n"
    )
    assert sign("agus") == 1
    assert "agus has already signed" in capsys.readouterr().err
    assert sign("kpk-liaison") == 0
    capsys.readouterr()

    assert main(["release", "verify", str(note), "--config", config, "--site", str(site)]) == 0
    assert "2 of the 2 needed; the site in" in capsys.readouterr().out
    assert main(["release", "show", str(note), "--config", config]) == 0
    shown = capsys.readouterr().out
    assert "channel:  pengaduan: reports to agus, kpk-liaison, rina; identity to agus" in shown
    assert "signature: 127.0.0.1:8000/peluit-release/agus" in shown
    assert "header:   Content-Security-Policy: default-src 'self';" in shown

    (site / "assets" / "peluit" / "channels.json").write_text("{}", encoding="utf-8")
    assert main(["release", "verify", str(note), "--config", config, "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("peluit release verify: error: the signed release is not this site: ")
    assert "file assets/peluit/channels.json: different content" in err
    assert err.count("\n") == 1
    assert main(["release", "make", "--config", config, "--out", str(note)]) == 1
    assert "already exists" in capsys.readouterr().err
