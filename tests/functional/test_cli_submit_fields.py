"""`peluit submit` tells a newcomer what a channel asks for: `--list-fields` prints every
field of a channel from the site's channels.json (served by `peluit serve`), all missing
fields are refused in one message, and a field given as the wrong kind gets a hint."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from peluit.cli import submit_cmd
from tests.support.submitting import FIELDS, InProcess, case_dirs, low_pow_config, serve_in_thread

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    data = tmp_path_factory.mktemp("var")
    with serve_in_thread(data, low_pow_config(data)) as server:
        yield server


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = submit_cmd.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def row(out: str, name: str) -> list[str]:
    [line] = [line for line in out.splitlines() if line.split()[:1] == [name]]
    return line.split()


def test_list_fields_shows_each_field_with_kind_required_flag_and_purpose(
    served: InProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        capsys, "--server", served.base, "--channel", "pengaduan", "--list-fields"
    )
    assert (status, err) == (0, "")
    channel = served.config.channel("pengaduan")
    assert channel is not None
    listed = [line.split()[0] for line in out.splitlines()[2:]]
    assert listed == [f.id for f in channel.fields]
    assert row(out, "what")[:4] == ["what", "textarea", "yes", "--field"]
    assert row(out, "reporter_name")[2:5] == ["no", "--identity-field", "name"]
    assert row(out, "consent_reward")[3:5] == ["--field", "consent"]
    assert "one of: perencanaan-penganggaran, pengadaan" in " ".join(row(out, "area"))
    assert "--identity-choice anonymous | confidential | open" in out.splitlines()[0]
    assert "gratifikasi" not in out


def test_list_fields_without_a_channel_lists_every_channel(
    served: InProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "--server", served.base, "--list-fields")
    assert status == 0
    heads = [line.split()[1] for line in out.splitlines() if line.startswith("--channel")]
    assert heads == [c.id for c in served.config.channels]
    nik = " ".join(row(out, "reporter_nik")[2:])
    assert nik == "yes --identity-field nik 16 digits, as on the KTP"


def test_list_fields_of_an_unknown_channel_names_the_channels(
    served: InProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "--server", served.base, "--channel", "nope", "--list-fields")
    assert (status, out) == (1, "")
    assert err == "peluit submit: error: no channel 'nope' (have: pengaduan, gratifikasi)\n"


def test_every_missing_field_is_named_in_one_message_and_nothing_is_filed(
    served: InProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        capsys, "--server", served.base, "--channel", "pengaduan", "--field", "what=suap"
    )
    assert (status, out) == (1, "")
    assert err.count("\n") == 1
    assert "missing required fields (--field NAME=VALUE): who, where, when, area" in err
    assert "peluit submit --list-fields" in err
    assert case_dirs(served.data) == []


def test_an_identity_field_given_as_field_gets_a_hint(
    served: InProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    fields = [a for pair in FIELDS.items() for a in ("--field", f"{pair[0]}={pair[1]}")]
    status, _, err = run(
        capsys,
        *("--server", served.base, "--channel", "pengaduan", *fields),
        *("--field", "reporter_name=Budi"),
    )
    assert status == 1
    assert "'reporter_name' is an identity field: give it as --identity-field reporter_name=" in err
    assert "--identity-choice confidential or open" in err
    assert case_dirs(served.data) == []


def test_a_report_field_given_as_identity_field_gets_a_hint(
    served: InProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    fields = [a for pair in FIELDS.items() for a in ("--field", f"{pair[0]}={pair[1]}")]
    status, _, err = run(
        capsys,
        *("--server", served.base, "--channel", "pengaduan", *fields),
        *("--identity-choice", "confidential", "--identity-field", "reporter_name=Budi"),
        *("--identity-field", "what=x"),
    )
    assert status == 1
    assert "'what' is a report field: give it as --field what=" in err


def test_submit_without_channel_or_list_fields_is_a_usage_error(
    served: InProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        submit_cmd.main(["--server", served.base])
    assert exit_.value.code == 2
    assert "--channel is required (--list-fields lists" in capsys.readouterr().err


def test_the_filled_in_fields_still_file_a_report(
    served: InProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    fields = [a for pair in FIELDS.items() for a in ("--field", f"{pair[0]}={pair[1]}")]
    status, out, err = run(capsys, "--server", served.base, "--channel", "pengaduan", *fields)
    assert (status, err) == (0, "")
    assert '"receipt"' in out
    assert len(case_dirs(served.data)) == 1
