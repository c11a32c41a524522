"""Sending recorded portal changes to Slack with ``chat.update``, each once.

A change is claimed before its call (as outbox messages are), so two processes never both
update a message; a failed call is retried on a later poll with backoff, at least Slack's
``Retry-After`` on a 429, and given up after ``MAX_ATTEMPTS`` or a permanent error.
"""

from __future__ import annotations

import copy
import logging
import uuid
from datetime import timedelta
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.clock import Clock, utc_now
from bot.slack_errors import CHANNEL_UNAVAILABLE, MESSAGE_REFUSED, TOKEN_REFUSED
from store.relayed_changes import RelayedChange, RelayedChangeRepository

log = logging.getLogger(__name__)

# chat.update errors no retry can fix: the message or channel is gone, or the app cannot edit it.
PERMANENT = (
    CHANNEL_UNAVAILABLE
    | TOKEN_REFUSED
    | MESSAGE_REFUSED
    | {"message_not_found", "cant_update_message", "edit_window_closed"}
)
MAX_ATTEMPTS = 6
FIRST_BACKOFF = 60.0
# Longer than one chat.update (10 s timeout, no in-call 429 waits: see _without_waits).
CLAIM_FOR = timedelta(seconds=60)


class ChangeSender:
    def __init__(
        self,
        client: WebClient,
        changes: RelayedChangeRepository,
        *,
        clock: Clock = utc_now,
        owner: str | None = None,
    ) -> None:
        self._client = _without_waits(client)
        self._changes = changes
        self._clock = clock
        self.owner = owner or uuid.uuid4().hex

    def send_due(self) -> int:
        """Apply every change that is due; returns how many Slack accepted."""
        done = 0
        for change in self._changes.due(self._clock(), owner=self.owner):
            now = self._clock()
            if not self._changes.claim(change, self.owner, now + CLAIM_FOR, now):
                continue  # another process has it, or did it
            try:
                self._client.chat_update(
                    channel=change.channel, ts=change.ts, text=change.text, blocks=change.blocks
                )
            except (SlackApiError, URLError, OSError) as error:
                self._failed(change, error)
                continue
            self._changes.mark_done(change, self._clock())
            done += 1
        return done

    def _failed(self, change: RelayedChange, error: Exception) -> None:
        reason, retry_after = _reason(error)
        if reason in PERMANENT or change.attempts + 1 >= MAX_ATTEMPTS:
            log.warning("giving up updating %s (%s): %s", change.key, change.change, reason)
            self._changes.fail(change, reason, owner=self.owner)
            return
        wait = FIRST_BACKOFF * 2 ** min(change.attempts, 6)
        if retry_after is not None:
            wait = max(wait, retry_after)
        log.info("will retry updating %s in %.0f s: %s", change.key, wait, reason)
        self._changes.retry_later(change, reason, self._clock() + timedelta(seconds=wait), owner=self.owner)


def _reason(error: Exception) -> tuple[str, float | None]:
    if not isinstance(error, SlackApiError):
        return f"cannot reach Slack: {type(error).__name__}", None
    header = error.response.headers.get("Retry-After") if error.response.headers else None
    try:
        retry_after = float(header) if header is not None else None
    except ValueError:
        retry_after = None
    return str(error.response.get("error")), retry_after


def _without_waits(client: WebClient) -> WebClient:
    """A copy of ``client`` that does not sleep out a 429 inside the call: the poll holds its
    lease meanwhile, and the change waits in the store for Retry-After instead."""
    quick = copy.copy(client)
    quick.retry_handlers = [h for h in client.retry_handlers if not isinstance(h, RateLimitErrorRetryHandler)]
    return quick
