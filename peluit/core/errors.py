"""What can go wrong with a submission; `peluit.api.errors` maps each to an HTTP response."""


class SubmissionError(Exception):
    """Base of errors a client's submission can cause; nothing stored changes when raised."""


class UnknownChannelError(SubmissionError):
    """The submission names a channel this installation does not have."""


class LimitExceededError(SubmissionError):
    """A size or count is over the configured limits."""


class InvalidUploadPlanError(SubmissionError):
    """Segment numbering or sizes are not what the format allows."""


class NotCiphertextError(SubmissionError):
    """Something that must be an age file is not a well-formed one."""


class WrongRecipientsError(SubmissionError):
    """An age file is not encrypted to exactly the channel's post-quantum recipients."""


class IdentityBlockError(SubmissionError):
    """An identity block was sent where the channel takes none, or is missing where required."""


class InvalidReplyKeyError(SubmissionError):
    """The reporter's reply recipient is not a post-quantum age recipient."""


class SegmentMissingError(SubmissionError):
    """A segment named at finalization was never uploaded (or has expired)."""


class SegmentMismatchError(SubmissionError):
    """An uploaded segment's size or SHA-256 differs from what the finalization declares."""


class SubmissionConflictError(SubmissionError):
    """The submission id was already finalized with different content."""
