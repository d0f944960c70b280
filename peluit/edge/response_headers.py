"""The response headers policy every behaviour carries: `peluit.web.headers`, with the one
production difference: the form's worker uploads segments straight to the staging bucket's
regional S3 origin (virtual-host style, as peluit/store/s3.py signs it), so connect-src names
it. `peluit serve` receives uploads itself and sends `peluit.web.headers.SECURITY_HEADERS`."""

from __future__ import annotations

from peluit.web.headers import security_headers

# As the template writes it: a !Sub text.
UPLOAD_ORIGIN = "https://${StagingBucketName}.s3.${AWS::Region}.amazonaws.com"


def production_headers() -> dict[str, str]:
    """Header → value the CDN adds to every response (with `${…}` left for !Sub)."""
    return security_headers([UPLOAD_ORIGIN])
