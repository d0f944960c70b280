"""Errors of the notifications."""

from __future__ import annotations


class NotifyError(Exception):
    """A notification scan that could not do all it should (the scan is retried whole)."""


class MailSendError(NotifyError):
    """The mail server or SES refused or could not be reached; the events stay unsent."""


class NotifyConfigError(NotifyError):
    """The configuration has no `[notifications]`: there is nobody to tell."""
