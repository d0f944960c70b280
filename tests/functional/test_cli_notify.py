"""`peluit notify`: the scan against `peluit serve`'s local store, mailed to a real SMTP server
in this process; and its one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peluit.cli import notify_cmd
from peluit.config import load_config
from peluit.config.demo import ensure_demo
from peluit.core.dates import utc_now
from peluit.store.local import LocalStore
from tests.support.cases import submit_case
from tests.support.mailbox import EMAILS, SENDER, smtp_server

pytestmark = pytest.mark.functional


def notifying_config(data: Path, port: int) -> Path:
    """The demo configuration with a [notifications] block for its people."""
    demo = ensure_demo(data, "http://127.0.0.1")
    recipients = ", ".join(
        f'{{ person = "{p}", email = "{a}" }}' for p, a in EMAILS.items() if p != "agus"
    )
    path = data / "peluit.notify.toml"
    path.write_text(
        demo.read_text(encoding="utf-8")
        + f'\n[notifications]\nsender = "{SENDER}"\nrecipients = [{recipients}]\n'
        + f'[notifications.smtp]\nhost = "127.0.0.1"\nport = {port}\n',
        encoding="utf-8",
    )
    return path


def test_peluit_notify_mails_what_the_local_store_holds_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "var"
    data.mkdir()
    with smtp_server() as (mailbox, smtp):
        path = notifying_config(data, smtp.port)
        store = LocalStore(data / "store", utc_now)
        submit_case(load_config(path), store, {"what": "Pungutan liar di kantor kecamatan."})

        assert notify_cmd.main(["--config", str(path), "--data", str(data)]) == 0
        assert "peluit notify: 1 mail(s)" in capsys.readouterr().out
        [rina] = mailbox.to(EMAILS["rina"])
        assert "- 1 laporan baru" in rina.text
        assert "Pungutan" not in rina.raw.decode()

        assert notify_cmd.main(["--config", str(path), "--data", str(data)]) == 0
        assert "peluit notify: 0 mail(s)" in capsys.readouterr().out
        assert len(mailbox.received) == 1


def test_peluit_notify_says_in_one_line_when_the_mail_server_is_unreachable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "var"
    data.mkdir()
    with smtp_server() as (_, smtp):
        path = notifying_config(data, smtp.port)
        submit_case(load_config(path), LocalStore(data / "store", utc_now), {"what": "x"})
    # the server is gone now
    assert notify_cmd.main(["--config", str(path), "--data", str(data)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert re.match(r"peluit notify: error: 1 notification mail\(s\) could not be sent", err[0])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--every", "5"], "at least 60 seconds"),
        ([], "has no [notifications] section"),
        (["--data", "nowhere"], "is not a local store"),
    ],
)
def test_peluit_notify_refuses_what_cannot_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    data = tmp_path / "var"
    data.mkdir()
    demo = ensure_demo(data, "http://127.0.0.1")
    config = demo if "--data" not in args and "--every" not in args else notifying_config(data, 25)
    argv = ["--config", str(config), "--data", str(data), *args]
    if "--data" in args:
        argv = ["--config", str(config), *args]
    assert notify_cmd.main(argv) == 2
    assert message in capsys.readouterr().err
