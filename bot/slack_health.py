"""When Slack refuses the bot's token (revoked, app uninstalled, ``invalid_auth``): sending
pauses with everything kept, and a cheap ``auth.test`` now and then finds when it works again.

The pause is an alert row (``store.alerts``, key ``slack-token``) that every process
shares through the database. Admins cannot be DMed with a dead token: the process that
raises the alert (once, across processes) logs it at ERROR, and ``/newthread status``,
``python -m bot check`` and ``/healthz`` show it. While paused, one ``auth.test`` per
``PROBE_EVERY`` across processes (a lease that is never released, so it lapses after that
long), plus one from each process as it starts (as after a restart with a new token);
when one succeeds the alert is cleared, admins are DMed that it recovered, and the outbox
sends what it kept.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.admin_alerts import AdminAlerts, raised_text
from bot.clock import Clock, utc_now
from bot.slack_errors import TOKEN_REFUSED
from store import Store
from store.alerts import AlertRepository
from store.leases import LeaseRepository

log = logging.getLogger(__name__)

SLACK_TOKEN_ALERT = "slack-token"
PROBE_EVERY = timedelta(minutes=5)
PROBE_LEASE = "slack-token-probe"
RECOVERED = "Slack accepts the bot's token again: the messages kept while it was refused are being sent now."


class SlackTokenRefused(Exception):
    """Slack refused the token itself: sending stops (the pause is recorded already)."""


def token_refusal(error: BaseException) -> str | None:
    """Slack's error code if ``error`` is a refusal of the token, else None."""
    if isinstance(error, SlackApiError):
        code = str(error.response.get("error"))
        if code in TOKEN_REFUSED:
            return code
    return None


def slack_paused(store: Store) -> str | None:
    """Why sending to Slack is paused, or None: for ``/healthz`` readiness and ``check``."""
    return raised_text(store.alerts, SLACK_TOKEN_ALERT)


def refusal_text(why: str) -> str:
    return (
        f"Slack refused the bot's token ({why}): sending to Slack is paused and every message "
        "is kept. Reinstall the app if it was removed, put its Bot User OAuth Token in "
        "SLACK_BOT_TOKEN, restart the bot and run `python -m bot check`; it resumes by itself "
        "once the token works."
    )


class SlackHealth:
    def __init__(
        self,
        client: WebClient,
        *,
        alerts: AlertRepository,
        leases: LeaseRepository,
        admins: AdminAlerts,
        clock: Clock = utc_now,
        probe_every: timedelta = PROBE_EVERY,
        owner: str | None = None,
    ) -> None:
        self._client = client
        self._alerts = alerts
        self._leases = leases
        self._admins = admins
        self._clock = clock
        self._probe_every = probe_every
        self._owner = owner or uuid.uuid4().hex
        self._probed = False  # a process's first probe is free: it may have a new token

    def paused(self) -> str | None:
        """Why sending is paused, or None (one read; never calls Slack)."""
        return raised_text(self._alerts, SLACK_TOKEN_ALERT)

    def refused(self, why: str) -> None:
        """Pause sending: Slack refused the token (``why``: its error, or the event)."""
        now = self._clock()
        text = refusal_text(why)
        self._probed = True  # this process has just seen the answer
        # The next probe, from any process, one interval from now; taken before the alert is
        # seen, so no sender probes in between.
        self._leases.acquire(PROBE_LEASE, self._owner, self._probe_every, now)
        # Raising records no DMs: they could not be sent. One process logs it, once.
        if self._alerts.raise_once(SLACK_TOKEN_ALERT, text, now, []):
            log.error("%s", text)

    def stop_on_refusal(self, error: BaseException) -> None:
        """Pause and raise ``SlackTokenRefused`` if ``error`` is Slack refusing the token."""
        code = token_refusal(error)
        if code is not None:
            self.refused(code)
            raise SlackTokenRefused(code) from error

    def ready(self) -> bool:
        """Whether Slack may be called: not paused, or a probe just found the token works."""
        if self.paused() is None:
            return True
        return self._probe()

    def _probe(self) -> bool:
        now = self._clock()
        first, self._probed = not self._probed, True
        taken = self._leases.acquire(PROBE_LEASE, self._owner, self._probe_every, now)
        if not (taken or first):
            return False
        try:
            self._client.auth_test()
        except (SlackApiError, URLError, OSError) as error:
            log.info("Slack token still refused or Slack unreachable: %s", token_refusal(error) or error)
            return False
        if self._admins.clear(SLACK_TOKEN_ALERT, RECOVERED):
            log.warning("Slack accepts the bot's token again: sending resumes")
        return True
