"""Verifying a Peluit site from outside (`peluit verify-site`, the console on unlock): the
signed release, the release log and its witnesses against a trust file, and every served
file, header and recipient against the release (docs/adr/0039)."""

from .fetch import Answer, Fetcher, FetchError
from .findings import Finding, Outcome
from .http import SiteClient
from .site import verify_site
from .trust import Trust, TrustError, parse_trust, trust_from_config

__all__ = [
    "Answer",
    "FetchError",
    "Fetcher",
    "Finding",
    "Outcome",
    "SiteClient",
    "Trust",
    "TrustError",
    "parse_trust",
    "trust_from_config",
    "verify_site",
]
