"""What `peluit serve` drops on its own, as the bucket's lifecycle rules do in AWS: unfinalized
uploads and spent reviewer API nonces; and what only a local store can leave, the temp files of
a writer that crashed."""

from __future__ import annotations

import threading
from datetime import timedelta

from peluit.store.local import LocalStore

STAGING_EXPIRY = timedelta(days=2)
NONCE_EXPIRY = timedelta(days=1)
TEMP_EXPIRY = timedelta(days=1)  # a write takes seconds; a day-old temp file is a crash's


def expire_staging_periodically(store: LocalStore, stop: threading.Event) -> threading.Thread:
    """Start a thread that drops unfinalized uploads older than two days, and spent
    reviewer API nonces older than a day (signatures live five minutes), and temp files a
    crashed write left a day ago anywhere in the store, hourly."""

    def run() -> None:
        while not stop.is_set():
            store.expire("staging/", STAGING_EXPIRY)
            store.expire("nonces/", NONCE_EXPIRY)
            store.sweep_temps(TEMP_EXPIRY)
            stop.wait(3600)

    thread = threading.Thread(target=run, name="peluit-expiry", daemon=True)
    thread.start()
    return thread
