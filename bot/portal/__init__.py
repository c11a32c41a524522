"""The Nexudus REST API: client, models and error tree."""

from bot.portal.client import NexudusClient
from bot.portal.errors import (
    FieldError,
    PortalAuthError,
    PortalError,
    PortalNotFound,
    PortalRejected,
    PortalThrottled,
    PortalUnavailable,
)

__all__ = [
    "FieldError",
    "NexudusClient",
    "PortalAuthError",
    "PortalError",
    "PortalNotFound",
    "PortalRejected",
    "PortalThrottled",
    "PortalUnavailable",
]
