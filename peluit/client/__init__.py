"""A Python submission client that does what the browser form does (js/src/submit.js):
fetch the channel's recipients from the site's channels.json, encrypt each attachment
segment, upload it to the presigned URL the API plans for it (retrying, re-planning on 403),
encrypt the report and identity block, finalize with retries. `peluit submit` wraps it."""

from .errors import ApiError, ClientError, SubmitError
from .submit import SubmitRequest, SubmitResult, submit

__all__ = ["ApiError", "ClientError", "SubmitError", "SubmitRequest", "SubmitResult", "submit"]
