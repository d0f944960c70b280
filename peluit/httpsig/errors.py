"""Why a request's HTTP message signature (RFC 9421) was refused; all mean HTTP 401."""


class SignatureError(Exception):
    """Base: the request is not signed by a key on the roster in the way Peluit requires."""


class SignatureMissingError(SignatureError):
    """The request carries no Signature-Input and Signature header fields."""


class SignatureMalformedError(SignatureError):
    """The signature fields are malformed, or do not cover or state what Peluit requires."""


class UnknownKeyError(SignatureError):
    """The signature's key id names nobody on the roster with a signing key."""


class SignatureExpiredError(SignatureError):
    """The signature was created outside the allowed window (in the past or the future)."""


class DigestMismatchError(SignatureError):
    """The Content-Digest field is missing, malformed, or does not match the body."""


class SignatureInvalidError(SignatureError):
    """The signature does not verify: wrong key, or the request was altered."""
