"""Telling admins of trouble once: ``raise_once`` DMs every admin in ``BOT_ADMINS`` when an
alert is raised (not again while it stays raised), ``clear`` tells them it recovered.

Once across processes and restarts: the alert's state and the admins' DMs are recorded in
one transaction (``store.alerts``), and the DMs go out through the outbox, which sends
each once. Workspace admins who are not in ``BOT_ADMINS`` are not told: Slack offers no
cheap list of them, and ``BOT_ADMINS`` is who runs the bot.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from bot.clock import Clock, utc_now
from bot.relay.keys import AlertNoticeKey, DmTarget
from bot.slack_text import escaped_within
from store.alerts import Alert, AlertRepository
from store.relay_models import OutboxMessage


class AlertReader(Protocol):
    """``AlertRepository`` or ``AdminAlerts``: whoever holds the alerts."""

    def get(self, name: str) -> Alert | None: ...


def raised_text(alerts: AlertReader, name: str) -> str | None:
    """The alert's text while ``name`` is raised, else None: what a pause is waiting on."""
    alert = alerts.get(name)
    return alert.text if alert is not None and alert.raised else None


class AdminAlerts:
    def __init__(self, alerts: AlertRepository, admins: Iterable[str], *, clock: Clock = utc_now) -> None:
        self._alerts = alerts
        self._admins = sorted(admins)
        self._clock = clock

    def raise_once(self, name: str, text: str) -> bool:
        """Raise ``name`` (no ":") and DM admins ``text``, unless raised already; True if now."""
        now = self._clock()
        return self._alerts.raise_once(name, text, now, self._notices(name, text, now, cleared=False))

    def clear(self, name: str, text: str) -> bool:
        """Clear ``name`` if raised, DMing admins ``text``; True if cleared now."""
        now = self._clock()
        return self._alerts.clear(name, now, self._notices(name, text, now, cleared=True))

    def get(self, name: str) -> Alert | None:
        return self._alerts.get(name)

    def _notices(self, name: str, text: str, now: datetime, *, cleared: bool) -> list[OutboxMessage]:
        # Alert texts may quote Nexudus (a webhook's LastError) at any length: a section
        # over Slack's limit would fail the DM for good, and the admin never hear of it.
        shown = escaped_within(text)
        return [admin_notice(name, admin, shown, now, cleared=cleared) for admin in self._admins]


def admin_notice(name: str, admin: str, text: str, now: datetime, *, cleared: bool) -> OutboxMessage:
    """A DM to one admin about alert ``name`` (raised or ``cleared``), keyed so it is queued
    once; ``text`` is mrkdwn, escaped and within Slack's section limit already."""
    return OutboxMessage(
        key=AlertNoticeKey(name, now, cleared, admin).text(),
        target=DmTarget(admin).text(),
        text=text,
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
        created_at=now,
    )
