"""Lambda entry point of the notification scan, run on a schedule (EventBridge, hourly).

Reads only plaintext workflow metadata, mails counts through Amazon SES (peluit/notify/,
docs/adr/0038-content-free-notifications-from-a-scheduled-scan.md). Environment: as in `_wiring`.
"""

from __future__ import annotations

from typing import Any

import boto3  # type: ignore[import-untyped]

from peluit.core.dates import utc_now
from peluit.notify.service import run
from peluit.notify.ses import SesMailer

from ._wiring import packaged_config, s3_store


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One scan; the event (a schedule tick) carries nothing it uses. An unsent mail raises,
    so it counts in the function's error alarm, and is tried again at the next tick."""
    config = packaged_config()
    if config.notifications is None:
        return {"mails": 0, "events": 0}
    outcome = run(config, s3_store(config), SesMailer(boto3.client("sesv2")), utc_now())
    return {"mails": outcome.mails, "events": outcome.events}
