"""What can go wrong talking to Nexudus, as our own exceptions (httpx never leaks out).

PortalError
├── PortalUnavailable   transport error, timeout or 5xx; ``maybe_applied`` for writes
├── PortalThrottled     409/429 "You must wait…"; ``retry_after`` seconds
├── PortalAuthError     login or refresh refused, or a list call refused to a fresh token
├── PortalNotFound      a record gone or forbidden: 404, or the 401 live accounts answer
└── PortalRejected      400 or ``WasSuccessful: false``; ``errors`` per property
"""

from __future__ import annotations

from dataclasses import dataclass


class PortalError(Exception):
    """Any failure of a Nexudus call."""


class PortalUnavailable(PortalError):
    def __init__(self, message: str, *, maybe_applied: bool = False) -> None:
        super().__init__(message)
        # True when a write may have reached Nexudus before failing (timeout, 5xx):
        # retrying blindly could create a second record.
        self.maybe_applied = maybe_applied


class PortalThrottled(PortalError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"Nexudus asked us to wait {retry_after:g} s")
        self.retry_after = retry_after


class PortalAuthError(PortalError):
    pass


class PortalNotFound(PortalError):
    pass


@dataclass(frozen=True)
class FieldError:
    property_name: str
    message: str


class PortalRejected(PortalError):
    def __init__(self, summary: str, errors: list[FieldError]) -> None:
        super().__init__(summary)
        self.errors = errors
