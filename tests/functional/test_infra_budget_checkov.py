"""checkov on the budget stack (infra/budget.yaml): no failed check, and its one skip is used.

Like tests/functional/test_infra_checkov.py (see there for installing checkov in a venv of its
own and PELUIT_CHECKOV); skipped without checkov."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from cfnlint.decode import decode_str  # type: ignore[import-untyped]

from tests.support.template import TEMPLATE

CHECKOV = os.environ.get("PELUIT_CHECKOV") or shutil.which("checkov")
BUDGET = TEMPLATE.with_name("budget.yaml")

pytestmark = [
    pytest.mark.functional,
    pytest.mark.skipif(
        CHECKOV is None, reason="checkov not installed (set PELUIT_CHECKOV, see the docstring)"
    ),
]


def test_checkov_fails_nothing_in_the_budget_stack_and_its_skip_is_used() -> None:
    assert CHECKOV is not None
    run = subprocess.run(
        [CHECKOV, "--skip-download", "--framework", "cloudformation", "-o", "json", "-f",
         str(BUDGET)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    results = json.loads(run.stdout)["results"]
    assert [(c["check_id"], c["resource"]) for c in results["failed_checks"]] == []
    used = {(c["resource"].split(".")[-1], c["check_id"]) for c in results["skipped_checks"]}
    template, problems = decode_str(BUDGET.read_text(encoding="utf-8"))
    assert not problems
    declared = {
        (str(logical_id), str(skip["id"]))
        for logical_id, res in template["Resources"].items()
        for skip in res.get("Metadata", {}).get("checkov", {}).get("skip", [])
    }
    assert declared == used == {("BudgetTopic", "CKV_AWS_26")}
