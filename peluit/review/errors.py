"""Errors the review tool's client raises."""


class ReviewClientError(Exception):
    """Base of the review client's errors."""


class ReviewApiError(ReviewClientError):
    """The reviewer API refused a request; carries its status, stable code and messages."""

    def __init__(self, status: int, code: str, message_id: str, message_en: str) -> None:
        super().__init__(f"{status} {code}: {message_en}")
        self.status = status
        self.code = code
        self.message_id = message_id
        self.message_en = message_en


class TransportError(ReviewClientError):
    """The API could not be reached, or answered something that is not HTTP."""


class IntegrityError(ReviewClientError):
    """What the server handed over does not match the report's manifest or fails to decrypt."""


class ReviewInputError(ReviewClientError):
    """The person's input cannot be used (a case id, an empty text, an unknown file)."""
