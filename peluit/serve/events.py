"""Turning a local HTTP request into the API Gateway HTTP API (v2) event Lambda would get.

The client's address and user agent are never copied in: the event carries a fixed
placeholder, so nothing downstream can log or store them even by mistake. Headers, cookies and
the query string are what production's edge forwards (peluit/edge, applied in edge.py).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from .edge import api_headers, api_query

PLACEHOLDER_IP = "192.0.2.0"  # TEST-NET-1: documentation range, never a real client


def http_api_event(
    method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
) -> dict[str, Any]:
    """The event for a request as CloudFront passes it on: only the headers and query string
    the API behaviour forwards (peluit/serve/edge.py)."""
    kept = api_headers(headers, len(body))
    query = api_query(query)
    try:
        text: str | None = body.decode("utf-8") if body else None
        encoded = False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode(), True
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": kept,
        "requestContext": {
            "accountId": "local",
            "apiId": "local",
            "domainName": kept.get("host", "localhost"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": PLACEHOLDER_IP,
                "userAgent": "",
            },
            "requestId": "local",
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Jan/1970:00:00:00 +0000",
            "timeEpoch": 0,
        },
        "body": text,
        "isBase64Encoded": encoded,
    }
    if query:
        event["queryStringParameters"] = dict(parse_qsl(query, keep_blank_values=True))
    return event


def response_parts(result: Mapping[str, Any]) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body bytes from a resolver's response dict."""
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
    return int(result["statusCode"]), headers, data
