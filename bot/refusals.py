"""What an error while posting a thread or a reply means: where to show it, why, whether to try later."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.portal import PortalAuthError, PortalNotFound, PortalRejected, PortalThrottled, PortalUnavailable
from bot.portal.errors import PortalError
from bot.thread_form import FormField

# Errors after which a draft waits and is tried again: nothing about it was refused.
TRY_AGAIN_LATER = (PortalUnavailable, PortalThrottled, PortalAuthError, SlackApiError)

GONE_REASON = (
    "Nexudus refused this thread: a person named on it may no longer have a portal account "
    "(a deleted profile or guest). Submit again to look everyone up afresh, or remove guests; "
    "if it still fails, ask an admin to check the portal accounts."
)

# Nexudus PropertyName → where the form shows its error. Every property NewThread sends
# is here (a test checks); one Nexudus names that we never sent goes on top too, named.
PROPERTY_FIELDS = {
    "Subject": FormField.SUBJECT,
    "Message": FormField.MESSAGE,
    "BusinessId": FormField.LOCATION,
    "Business": FormField.LOCATION,
    "CommunityGroupId": FormField.GROUP,
    "CommunityGroup": FormField.GROUP,
    "Tags": FormField.TAGS,
    "Guests": FormField.GUESTS,
    "ZoomEventData": FormField.ZOOM_JOIN_URL,
    "IncludeZoomInvite": FormField.ZOOM_JOIN_URL,
    # Filled in by the bot or by the options checkboxes, not typed in a field.
    "UserId": FormField.GENERAL,
    "CoworkerId": FormField.GENERAL,
    "SystemId": FormField.GENERAL,
    "InstantDelivery": FormField.GENERAL,
    "Private": FormField.GENERAL,
}


def field_errors(error: PortalRejected) -> dict[FormField, str]:
    """Nexudus's refusal by place in the form; what is not a field's own names its property."""
    found: dict[FormField, str] = {}
    for item in error.errors or []:
        field = PROPERTY_FIELDS.get(item.property_name, FormField.GENERAL)
        prefix = f"{item.property_name}: " if field is FormField.GENERAL else ""
        found.setdefault(field, f"Nexudus says: {prefix}{item.message}")
    return found or {FormField.GENERAL: f"Nexudus says: {error}"}


def postpone_reason(error: Exception) -> str:
    if isinstance(error, PortalThrottled):
        return "Nexudus is busy right now"
    if isinstance(error, PortalAuthError):
        return "the bot cannot sign in to Nexudus (an admin needs to check its account)"
    if isinstance(error, SlackApiError):
        return "Slack did not answer a lookup"
    return "Nexudus is not answering right now"


def asked_to_wait(error: Exception) -> float:
    """Seconds Nexudus asked us to wait (``Retry-After``), else 0."""
    return error.retry_after if isinstance(error, PortalThrottled) else 0.0


def may_have_reached_nexudus(error: Exception) -> bool:
    """A create cut off after it was sent may have made the thread: look before sending again."""
    return isinstance(error, PortalUnavailable) and error.maybe_applied


def reply_refusal_reason(error: PortalError) -> str:
    """Why Nexudus did not take a reply, in words a member can act on."""
    if isinstance(error, PortalNotFound):
        # Live accounts answer 401 "Access Denied." to a write naming a deleted record (§15).
        return (
            "the board refused it: the thread may have been deleted, or your portal account "
            "may no longer be active."
        )
    if isinstance(error, PortalRejected):
        said = "; ".join(f"{e.property_name}: {e.message}".lstrip(": ") for e in error.errors)
        return f"Nexudus refused it ({said or error})."
    if isinstance(error, PortalThrottled):
        return "Nexudus is busy right now."
    if isinstance(error, PortalAuthError):
        return "the bot cannot sign in to Nexudus (an admin needs to check its account)."
    if isinstance(error, PortalUnavailable) and error.maybe_applied:
        return (
            "Nexudus stopped answering, so it may have been posted: Retry looks first, "
            "so it never appears twice."
        )
    return "Nexudus is not answering right now."
