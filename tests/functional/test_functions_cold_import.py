"""A Lambda function's cold import loads boto3, not the API: Powertools, pydantic and the
routes are imported by the first event (functions/_wiring.py; issue 17). Each check runs in a
fresh interpreter, as Lambda imports a handler, and the first event is then answered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.factory import example_path

pytestmark = pytest.mark.functional

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pydantic", "aws_lambda_powertools.event_handler", "peluit.api", "peluit.config")

PROBE = """
import json, sys
import functions.{name} as function
loaded = sorted(m for m in sys.modules if m.startswith({heavy!r}))
event = {{
    "version": "2.0", "routeKey": "$default", "rawPath": "/api/v1/nothing-here",
    "rawQueryString": "", "headers": {{}}, "isBase64Encoded": False,
    "requestContext": {{"http": {{"method": "GET", "path": "/api/v1/nothing-here",
        "sourceIp": "192.0.2.1"}}, "stage": "$default"}},
}}
answer = function.handler(event, None)
after = sorted(m for m in sys.modules if m.startswith({heavy!r}))
print(json.dumps({{"before": loaded, "status": answer["statusCode"], "after": after}}))
"""


def _probe(name: str) -> dict[str, object]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PELUIT_CONFIG": str(example_path()),
        "PELUIT_BUCKET": "peluit-test-cases",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
    }
    run = subprocess.run(
        [sys.executable, "-c", PROBE.format(name=name, heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    result: dict[str, object] = json.loads(run.stdout)
    return result


@pytest.mark.parametrize(
    ("name", "status"),
    [("public", 404), ("reviewer", 401)],  # an unknown route; an unsigned request
)
def test_a_cold_import_loads_no_api_and_the_first_event_builds_it(name: str, status: int) -> None:
    probe = _probe(name)
    assert probe["before"] == []
    assert probe["status"] == status  # answered by the API the first event built
    after = probe["after"]
    assert isinstance(after, list)
    assert "peluit.api." + ("public" if name == "public" else "reviewer") in after
    assert "pydantic" in after
