"""A load test of the local server: 20 concurrent clients file 500 small reports through
one in-process `peluit serve` (a demo configuration with a cheap proof of work, 4 bits, so
the clients' work does not dominate): 500 cases, zero errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.submitting import (
    case_dirs,
    low_pow_config,
    read_case,
    run_load,
    serve_in_thread,
    small_files,
)

pytestmark = pytest.mark.functional

CLIENTS = 20
REPORTS = 500


def test_20_concurrent_clients_file_500_reports_without_an_error(tmp_path: Path) -> None:
    data = tmp_path / "var"
    files = small_files(tmp_path)
    with serve_in_thread(data, low_pow_config(data)) as running:
        results, failures = run_load(running.base, files, CLIENTS, REPORTS)
    assert failures == []
    assert len(results) == REPORTS
    assert len({r.case for r in results}) == REPORTS
    assert len({r.receipt for r in results}) == REPORTS
    assert len(case_dirs(data)) == REPORTS
    assert all((d / "state.json").is_file() for d in case_dirs(data))
    contents = {p.read_bytes() for p in files}
    for result in results[:: REPORTS // 10]:
        assert read_case(data, result.case)[1][0] in contents
