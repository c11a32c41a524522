"""When Nexudus refuses the bot's login (password changed, API access or a role removed):
admins are told once, the relay and draft retries wait, drafts are kept; the first call
that works again clears it and tells admins once.

The state is the ``nexudus-login`` admin alert (``bot.admin_alerts``), shared by every
process through the database, so several polls and several processes DM admins once.
The relay's poll is the probe while it lasts: one call, and at most one new grant every
five minutes per process (``bot.portal.auth.RENEWAL_COOLDOWN``), so no grant storm.
"""

from __future__ import annotations

import logging

from bot.admin_alerts import AdminAlerts, raised_text
from bot.portal import PortalAuthError
from store import Store

log = logging.getLogger(__name__)

NEXUDUS_LOGIN_ALERT = "nexudus-login"
RECOVERED = (
    "Nexudus accepts the bot's login again: the relay catches up from where it stopped "
    "and the drafts kept meanwhile are being posted."
)


def refusal_text(error: PortalAuthError) -> str:
    return (
        f"Nexudus refuses the bot's login: {str(error).rstrip('.')}. In Nexudus, check NEXUDUS_USERNAME's "
        "password and that the account still has API access and the roles README.md lists; "
        "if the password changed, set NEXUDUS_PASSWORD and restart the bot. Then run "
        "`python -m bot check`. Meanwhile the relay and posting are paused; drafts are kept."
    )


def nexudus_refused(store: Store) -> str | None:
    """Why Nexudus work is paused, or None: for ``/healthz`` readiness and ``check``."""
    return raised_text(store.alerts, NEXUDUS_LOGIN_ALERT)


class NexudusLogin:
    def __init__(self, admins: AdminAlerts) -> None:
        self._admins = admins

    def refused(self, error: PortalAuthError) -> None:
        """Nexudus refused the bot: tell admins, unless they were told already."""
        if self._admins.raise_once(NEXUDUS_LOGIN_ALERT, refusal_text(error)):
            log.error("Nexudus refuses the bot's login: %s; admins told", error)

    def works(self) -> None:
        """A Nexudus call worked: clear the alert (telling admins once) if it was raised."""
        if self.refusal() is not None and self._admins.clear(NEXUDUS_LOGIN_ALERT, RECOVERED):
            log.warning("Nexudus accepts the bot's login again: relay and posting resume")

    def refusal(self) -> str | None:
        """Why Nexudus work is paused, or None (one read)."""
        return raised_text(self._admins, NEXUDUS_LOGIN_ALERT)
