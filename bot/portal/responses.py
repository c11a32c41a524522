"""Reading Nexudus replies: the throttle wait, the write-result envelope, validation errors."""

from __future__ import annotations

import re
from typing import Any

import httpx

from bot.portal.errors import FieldError, PortalRejected

DEFAULT_THROTTLE_WAIT = 5.0
_WAIT_IN_BODY = re.compile(r"wait\s+(\d+(?:\.\d+)?)\s+second", re.IGNORECASE)


def retry_after_seconds(response: httpx.Response) -> float:
    """``Retry-After`` as documented (409), else "Wait N seconds" as seen in the wild (429)."""
    header = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    found = _WAIT_IN_BODY.search(response.text)
    return float(found.group(1)) if found else DEFAULT_THROTTLE_WAIT


def rejection(response: httpx.Response) -> PortalRejected:
    body = _json_or_empty(response)
    errors = [
        FieldError(str(item.get("PropertyName") or ""), str(item.get("Message") or ""))
        for item in body.get("Errors") or []
        if isinstance(item, dict)
    ]
    summary = str(body.get("Message") or f"Nexudus refused the request (HTTP {response.status_code})")
    return PortalRejected(summary, errors)


def write_result_id(response: httpx.Response) -> int:
    """The new record's id from a write result; ``WasSuccessful`` is checked even on 200."""
    body = _json_or_empty(response)
    if not body.get("WasSuccessful"):
        raise rejection(response)
    value = body.get("Value") or {}
    return int(value.get("Id", 0))


def _json_or_empty(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
