"""`make bench` ends with one line per target: met or NOT met; context figures as context."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench import summary

pytestmark = pytest.mark.unit


def test_targets_say_met_or_not_and_context_has_no_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    record = tmp_path / "run.jsonl"
    monkeypatch.setenv(summary.ENV, str(record))
    summary.target("finalize handler / bare store put", "1.42x", "<= 1.5x", True)
    summary.target("serve 20 clients", "31.0 reports/s, 0 errors", ">= 50 reports/s", False)
    summary.context("typage in memory", "54.2 MiB/s")
    assert summary.main([str(record)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[-4:] == [
        "summary: 1 of 2 targets met",
        "target finalize handler / bare store put: 1.42x (goal <= 1.5x): met",
        "target serve 20 clients: 31.0 reports/s, 0 errors (goal >= 50 reports/s): NOT met",
        "context typage in memory: 54.2 MiB/s",
    ]


def test_a_benchmark_that_stopped_is_a_target_not_met(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = tmp_path / "run.jsonl"
    assert summary.main(["--failed", "bench_form", str(record)]) == 0
    assert summary.main([str(record)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "target bench_form: stopped with an error (goal runs to the end): NOT met"
    )
