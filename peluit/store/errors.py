"""Errors every object store adapter raises in the same situations."""


class StoreError(Exception):
    """Base of object store errors."""


class ObjectExistsError(StoreError):
    """A create-only write found an object already at that key."""


class ObjectNotFoundError(StoreError):
    """No object at that key."""


class ObjectChangedError(StoreError):
    """The source of a copy no longer holds what it held when it was last read or written
    through this store (changed in place, outside the store): nothing was copied."""


class InvalidKeyError(StoreError):
    """The key is not one this store accepts (see `keys.validate_key`)."""


class PreconditionFailedError(StoreError):
    """A conditional write lost a race: the object changed since it was read."""


class UploadRejectedError(StoreError):
    """A presigned upload broke its signed terms (signature, expiry, size or checksum)."""


class DownloadRejectedError(StoreError):
    """A presigned download URL is malformed, altered, or expired."""
