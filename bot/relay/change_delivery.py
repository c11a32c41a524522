"""Sending recorded portal changes to Slack with ``chat.update``, each once.

A change is claimed before its call (as outbox messages are), so two processes never both
update a message; a failed call is retried on a later poll with backoff, at least Slack's
``Retry-After`` on a 429 (which is not counted as an attempt). A refused token pauses
sending (``SlackHealth``) with the change kept as it was. An edit is given up after
``MAX_ATTEMPTS`` or a permanent error; a withdrawal never is, as the message it replaces may
show what its channel must no longer see: past ``MAX_ATTEMPTS`` admins are told once, and it
goes on being retried. Updates are paced per channel like the relay's posts; a pass stops
between updates (and cuts a pace short) when its stop event is set, as on shutdown.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.admin_alerts import AdminAlerts
from bot.clock import Clock, utc_now
from bot.relay.delivery import CHANNEL_PACE
from bot.relay.pace import ChannelPace, slack_failure
from bot.slack_errors import CHANNEL_UNAVAILABLE, MESSAGE_REFUSED, TOKEN_REFUSED
from bot.slack_health import SlackHealth
from bot.slack_retries import bounded_retries
from store.channel_turns import ChannelTurnRepository
from store.relayed_changes import WITHDRAWN, RelayedChange, RelayedChangeRepository

log = logging.getLogger(__name__)

# chat.update errors no retry can fix: the message or channel is gone, or the app cannot edit it.
PERMANENT = (
    CHANNEL_UNAVAILABLE | MESSAGE_REFUSED | {"message_not_found", "cant_update_message", "edit_window_closed"}
)
# The one answer that ends a withdrawal unsent: nothing is left to hide.
GONE = frozenset({"message_not_found"})
MAX_ATTEMPTS = 6
FIRST_BACKOFF = 60.0
LONGEST_BACKOFF = 3600.0  # a withdrawal retried forever: at least hourly
# Longer than one chat.update (10 s timeout, no in-call 429 waits: see _without_waits).
CLAIM_FOR = timedelta(seconds=60)


class ChangeSender:
    def __init__(
        self,
        client: WebClient,
        changes: RelayedChangeRepository,
        *,
        turns: ChannelTurnRepository,  # each channel's turns, shared by every process
        clock: Clock = utc_now,
        owner: str | None = None,
        health: SlackHealth | None = None,
        alerts: AdminAlerts | None = None,
        channel_pace: float = CHANNEL_PACE,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        # No 429 slept out inside the call (the poll holds its lease meanwhile): the change
        # waits in the store for Retry-After instead. Each 429 is still counted for /metrics.
        self._client = bounded_retries(client, longest_wait=0)
        self._changes = changes
        self._clock = clock
        self.owner = owner or uuid.uuid4().hex
        self._health = health  # a refused token pauses every sender, nothing is failed
        self._alerts = alerts  # told once of a withdrawal Slack keeps refusing
        # The same turns as the relay's posts: an edit and a post to one channel keep the pace.
        self._pace = ChannelPace(channel_pace, turns, clock)
        self._sleep = sleep  # None: wait on the pass's stop event, which cuts the pace short

    def send_due(self, stop: threading.Event | None = None) -> int:
        """Apply every change that is due; returns how many Slack accepted. Stops between
        changes when ``stop`` is set: withdrawing a thread of many replies is paced over as
        many seconds, and the rest stays due for the next poll."""
        if self._health is not None and not self._health.ready():
            return 0  # paused: changes wait, attempts untouched
        stop = stop or threading.Event()
        done = 0
        for change in self._changes.due(self._clock(), owner=self.owner):
            now = self._clock()
            # Claimed before the channel's turn is taken, so processes sending from one
            # queue never take turns for changes another of them makes.
            if not self._changes.claim(change, self.owner, now + CLAIM_FOR, now):
                continue  # another process has it, or did it
            self._pace.wait(change.channel, self._sleep or stop.wait)
            if stop.is_set():
                self._changes.release(change, owner=self.owner)  # left due for the next pass
                break
            try:
                self._client.chat_update(
                    channel=change.channel, ts=change.ts, text=change.text, blocks=change.blocks
                )
            except (SlackApiError, URLError, OSError) as error:
                if self._token_refused(error):
                    break  # the claim lapses (or this sender takes it again): kept as it was
                self._failed(change, error)
                continue
            self._changes.mark_done(change, self._clock())
            self._recovered(change)
            done += 1
        return done

    def _token_refused(self, error: Exception) -> bool:
        code = slack_failure(error)[0]
        if code not in TOKEN_REFUSED:
            return False
        if self._health is not None:
            self._health.refused(code)
        log.warning("chat.update paused: Slack refused the token (%s)", code)
        return True

    def _failed(self, change: RelayedChange, error: Exception) -> None:
        reason, retry_after = slack_failure(error)
        if reason == "ratelimited":
            at = self._clock() + timedelta(seconds=retry_after or FIRST_BACKOFF)
            self._changes.retry_later(change, reason, at, owner=self.owner, counted=False)
            return
        withdrawal = change.change == WITHDRAWN
        last_try = change.attempts + 1 >= MAX_ATTEMPTS
        if reason in GONE if withdrawal else (reason in PERMANENT or last_try):
            log.warning("giving up updating %s (%s): %s", change.key, change.change, reason)
            self._changes.fail(change, reason, owner=self.owner)
            return
        wait = min(FIRST_BACKOFF * 2 ** min(change.attempts, 6), LONGEST_BACKOFF)
        if retry_after is not None:
            wait = max(wait, retry_after)
        log.info("will retry updating %s in %.0f s: %s", change.key, wait, reason)
        self._changes.retry_later(change, reason, self._clock() + timedelta(seconds=wait), owner=self.owner)
        if withdrawal and last_try and self._alerts is not None:
            self._alerts.raise_once(_alert(change), _stuck_text(change, reason))

    def _recovered(self, change: RelayedChange) -> None:
        if change.change == WITHDRAWN and change.attempts >= MAX_ATTEMPTS and self._alerts is not None:
            text = f"The board post in channel {change.channel} (message {change.ts}) is withdrawn at last."
            self._alerts.clear(_alert(change), text)


def _alert(change: RelayedChange) -> str:
    return f"withdrawal-{change.channel}-{change.ts}"  # alert names hold no ":"


def _stuck_text(change: RelayedChange, reason: str) -> str:
    return (
        f"A board post in channel {change.channel} (message {change.ts}) should be withdrawn (the thread "
        f"was removed or is no longer for that channel), but Slack keeps refusing ({reason}). "
        "It is retried at least hourly; delete the message by hand if it must go now."
    )
