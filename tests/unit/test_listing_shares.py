"""How a listing page's reads are shared out: side by side on the pool for a store whose reads
wait on a network, in the caller's thread for the local store (whose reads threads only slow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from peluit.core import listing, parallel
from peluit.core.dates import utc_now
from peluit.core.nonces import AdmittingStore
from peluit.store.local import LocalStore
from tests.support.fakes import MemoryStore

pytestmark = pytest.mark.unit


def test_a_store_whose_reads_wait_gets_up_to_a_share_per_pool_thread_in_order() -> None:
    batch = list(range(100))
    for store in (MemoryStore(utc_now), AdmittingStore(MemoryStore(utc_now))):
        shares = listing.shares(batch, store)
        assert 1 < len(shares) <= parallel.WORKERS
        assert [n for share in shares for n in share] == batch


def test_the_local_store_is_read_in_one_share_also_behind_nonce_admission(tmp_path: Path) -> None:
    batch = list(range(100))
    local = LocalStore(tmp_path, utc_now)
    assert listing.shares(batch, local) == [batch]
    assert listing.shares(batch, AdmittingStore(local)) == [batch]


def test_a_small_batch_gets_no_empty_share() -> None:
    assert listing.shares([1, 2, 3], MemoryStore(utc_now)) == [[1], [2], [3]]
