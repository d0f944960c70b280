"""checkov on the template: no failed check, and every skip in the template is one checkov uses.

checkov pins boto3 1.35 and so cannot live in the project's virtual environment (boto3 1.44);
install it in a venv of its own and point PELUIT_CHECKOV at its executable (or put `checkov` on
PATH). It runs offline with `--skip-download`. Without it this test is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.support.template import TEMPLATE, load_template

CHECKOV = os.environ.get("PELUIT_CHECKOV") or shutil.which("checkov")

pytestmark = [
    pytest.mark.functional,
    pytest.mark.skipif(
        CHECKOV is None, reason="checkov not installed (set PELUIT_CHECKOV, see the docstring)"
    ),
]


def test_checkov_fails_nothing_and_every_skip_in_the_template_is_used() -> None:
    assert CHECKOV is not None
    run = subprocess.run(
        [
            CHECKOV,
            "--skip-download",
            "--framework",
            "cloudformation",
            "-o",
            "json",
            "-f",
            str(TEMPLATE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    results = json.loads(run.stdout)["results"]
    assert [(c["check_id"], c["resource"]) for c in results["failed_checks"]] == []
    used = {(c["resource"].split(".")[-1], c["check_id"]) for c in results["skipped_checks"]}
    declared = {
        (logical_id, skip["id"])
        for logical_id, res in load_template()["Resources"].items()
        for skip in res.get("Metadata", {}).get("checkov", {}).get("skip", [])
    }
    assert declared == used
