"""What can go wrong when the edge is derived from a built site."""

from __future__ import annotations


class EdgeError(Exception):
    """The edge cannot be made for this site (its page list is unusable)."""


class SitePagesError(EdgeError):
    """The built site's page list cannot reach the CloudFront Function."""
