"""Security headers: one definition for `peluit serve`, the review console and the CDN.

The only thing that differs between places is where the browser may upload attachments:
`peluit serve` receives them itself ('self'); in production they go straight to the staging
bucket's regional S3 origin, which the CDN's policy adds with `upload_origins`.
"""

from collections.abc import Sequence

HSTS_MAX_AGE = 31_536_000  # one year


def content_security_policy(upload_origins: Sequence[str] = ()) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "worker-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            " ".join(["connect-src 'self'", *upload_origins]),
            "object-src 'none'",
            "frame-src 'none'",  # nothing is framed; WEBCAT asks for it beside default-src 'self'
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def security_headers(upload_origins: Sequence[str] = ()) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(upload_origins),
        "Strict-Transport-Security": f"max-age={HSTS_MAX_AGE}; includeSubDomains",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Permissions-Policy": (
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
            "interest-cohort=(), browsing-topics=()"
        ),
    }


CONTENT_SECURITY_POLICY = content_security_policy()
SECURITY_HEADERS = security_headers()
