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


class NotPaddedError(NotCiphertextError):
    """A document a current client encrypts (report, identity block) is not padded to a size
    bucket (core/padding.py): no current client writes it that way."""


class StaleRecipientsError(SubmissionError):
    """The finalization was encrypted to a recipient set the channel no longer has (a page
    loaded before a key change): the reporter must reload the page."""


class ReporterSignatureError(SubmissionError):
    """What the reporter sent is not signed by the case's reporter key (or the key or the
    signature is malformed): it is not stored."""


class IdentityBlockError(SubmissionError):
    """An identity block was sent where the channel takes none, or is missing where required."""


class InvalidReplyKeyError(SubmissionError):
    """The reporter's reply recipient is not a post-quantum age recipient."""


class SegmentMissingError(SubmissionError):
    """A segment named at finalization was never uploaded (or has expired)."""


class SegmentMismatchError(SubmissionError):
    """An uploaded segment's size or SHA-256 differs from what the finalization declares."""


class PartialSegmentError(InvalidUploadPlanError):
    """A segment other than a file's last is not a full `segment_bytes` of plaintext, or a
    file's last segment after the first is empty: no honest client cuts a file that way."""


class SubmissionConflictError(SubmissionError):
    """The submission id was already finalized with different content."""


class StagingClaimedError(SubmissionError):
    """The uploaded segments under this id already belong to another case (or to a report,
    where evidence was asked for): one staging area is copied into one case only."""


class ProofOfWorkError(SubmissionError):
    """A public request without a valid proof of work (peluit/core/pow.py); nothing was done.

    Carries what the client needs to try again: the difficulty and the server's time bucket."""

    def __init__(self, message: str, bits: int, bucket: int) -> None:
        super().__init__(message)
        self.bits = bits
        self.bucket = bucket


class PowRequiredError(ProofOfWorkError):
    """The request carries no proof of work."""


class PowInvalidError(ProofOfWorkError):
    """The proof of work is malformed or does not have enough leading zero bits."""


class PowExpiredError(ProofOfWorkError):
    """The proof of work was made for a time bucket that is no longer (or not yet) accepted."""


# -- the reporter's follow-up ------------------------------------------------------------------


class FollowupError(Exception):
    """Base of errors a reporter's follow-up request can cause; nothing stored changes."""


class ReceiptNotFoundError(FollowupError):
    """No case answers to this lookup token. Deliberately the same for every reason: an
    unknown token, a case not yet complete, a damaged entry (it never says which)."""


class CaseClosedError(FollowupError):
    """The case's status is final: it takes no new messages or evidence."""


class ThreadFullError(FollowupError):
    """The case's thread has as many messages, or files, as it may ever hold."""


class AdditionsBusyError(FollowupError):
    """Too many batches of evidence raced for the case's next file numbers; the request may
    be sent again as it is (a retry finds whatever it already stored)."""


class ManifestInUseError(FollowupError):
    """The manifest message of an evidence request already describes another batch."""


class ReplyFileNotFoundError(FollowupError):
    """The case has no such segment of a file the review team attached to a message, or
    the offset asked for lies beyond its end."""


# -- the review side ---------------------------------------------------------------------------


class ReviewError(Exception):
    """Base of errors a review team member's request can cause."""


class ReplayedRequestError(ReviewError):
    """This signed request (its key id and nonce) was already used once."""


class NotPermittedError(ReviewError):
    """The roster does not give this person that right on this channel or case."""


class SelfApprovalError(NotPermittedError):
    """A custodian tried to decide their own request to see a reporter's identity."""


class CaseNotFoundError(ReviewError):
    """No complete case with that id (or none the person may see)."""


class ObjectUnavailableError(ReviewError):
    """That object of a case does not exist, or the person may not read it."""


class InvalidTransitionError(ReviewError):
    """The workflow does not allow that status change from the case's current status."""


class TransitionInputError(ReviewError):
    """A forwarding target is missing, or given for a status that takes none."""


class PreconditionRequiredError(ReviewError):
    """A status change must name the version of the case it changes (If-Match)."""


class StateConflictError(ReviewError):
    """The case changed since the version the request names; read it again."""


class ThreadMovedError(ReviewError):
    """A team message signed for thread number N (core/team_signature.py) arrived when N is no
    longer the next number: someone wrote meanwhile. The tool signs again for the new number."""


class RequestSignatureError(ReviewError):
    """An identity request's signature (core/request_signature.py) is not the requester's
    roster key's over the statement: the request is not stored."""


class TeamSignatureError(ReviewError):
    """A team message's signature (core/team_signature.py) is not the writer's roster key's
    over the statement, or its day is not today's: it is not stored."""


class RekeyError(ReviewError):
    """A rekey record (core/rekey.py) that is malformed, not signed by its writer's roster key,
    or not for the stored file it names: it is not stored."""


class InvalidCiphertextError(ReviewError):
    """An upload is not an age file for exactly the recipients the server expects."""


class ReplyKeyMissingError(ReviewError):
    """The case has no reply key, so the reporter cannot be written to."""


class NoIdentityBlockError(ReviewError):
    """The reporter gave no identity, so there is nothing to request."""


class IdentityRequestStateError(ReviewError):
    """The identity request is not in a state that allows this (pending, decided, granted)."""


class UnknownMessageError(ReviewError):
    """A thread message number that the case's thread does not have."""


class InvalidCursorError(ReviewError):
    """A paging cursor that this server did not give out."""


class AuditBusyError(ReviewError):
    """The audit log could not be appended to (too many concurrent writers); try again."""


class AuditChainError(Exception):
    """The audit chain is broken; the message names the first event where it breaks."""

    def __init__(self, seq: int, message: str) -> None:
        super().__init__(message)
        self.seq = seq
