"""Errors of the public site's build."""


class SiteError(Exception):
    """Base of the site build's errors."""


class FormError(SiteError):
    """The configuration cannot be turned into a form (e.g. a field id the form reserves)."""


class MarkerError(SiteError):
    """A page has a `<!-- peluit:… -->` marker that is unknown or malformed."""


class SiteBuildError(SiteError):
    """mkdocs could not build the site; the message lists what it reported."""
