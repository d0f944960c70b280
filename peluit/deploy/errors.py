"""Deployment errors."""


class DeployError(Exception):
    """A deployment step failed or was refused; the message says what to do about it."""


class PackageError(DeployError):
    """The functions' package cannot be built as it must be (a forbidden import, too big)."""
