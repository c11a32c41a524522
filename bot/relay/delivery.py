"""Sending the outbox: paced per channel, Retry-After honoured, failures kept with reasons.

A message is marked sent right after Slack accepts it. The one window left, between
Slack's answer and that SQLite write, is a single local transaction (benchmarked in
tests/perf/bench_relay.py); a crash inside it would repeat that one message.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import utc_now
from bot.slack_people import SlackPeople
from store.outbox import OutboxRepository
from store.relay_models import OutboxMessage

log = logging.getLogger(__name__)

# Slack's documented pace for chat.postMessage: about one message a second per channel.
CHANNEL_PACE = 1.0
# Errors no retry can fix; the message is kept, failed, with the reason.
PERMANENT = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "account_inactive",
    "invalid_auth",
    "token_revoked",
    "not_authed",
    "user_not_found",
    "cannot_dm_bot",
    "restricted_action",
    "msg_too_long",
    "invalid_blocks",
    "no_text",
    "missing_scope",
}
MAX_ATTEMPTS = 8


class OutboxSender:
    def __init__(
        self,
        client: WebClient,
        outbox: OutboxRepository,
        people: SlackPeople,
        *,
        clock: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._outbox = outbox
        self._clock = clock
        self._monotonic = monotonic
        self._sleep = sleep
        self._people = people
        self._last_post: dict[str, float] = {}
        self._lock = threading.Lock()  # one delivery pass at a time: pacing is per process

    def deliver_due(self, stop: threading.Event | None = None) -> int:
        """Send what is due; returns how many were sent. Stops between sends when asked."""
        sent = 0
        with self._lock:
            for message in self._outbox.due(self._clock()):
                if stop is not None and stop.is_set():
                    break
                sent += self._deliver(message)
        return sent

    def _deliver(self, message: OutboxMessage) -> int:
        thread_ts = None
        if message.parent_key:
            parent = self._outbox.get(message.parent_key)
            if parent is None or parent.state == "failed":
                self._outbox.fail(message.key, "the channel post it replies to was never sent")
                return 0
            if parent.state != "sent":
                return 0  # its parent goes first; this one waits for the next pass
            thread_ts = parent.ts
        try:
            channel = self._channel_for(message.target)
            self._pace(channel)
            answer = self._client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as error:
            self._failed(message, str(error.response.get("error")), error.response.headers.get("Retry-After"))
            return 0
        except (URLError, OSError) as error:
            self._failed(message, f"cannot reach Slack: {type(error).__name__}", None)
            return 0
        self._outbox.mark_sent(message.key, str(answer["channel"]), str(answer["ts"]), self._clock())
        return 1

    def _channel_for(self, target: str) -> str:
        # Targets are channel ids, or user ids (U…, W… on Enterprise Grid) for a DM.
        return self._people.dm_channel(target) if target.startswith(("U", "W")) else target

    def _pace(self, channel: str) -> None:
        last = self._last_post.get(channel)
        if last is not None:
            wait = CHANNEL_PACE - (self._monotonic() - last)
            if wait > 0:
                self._sleep(wait)
        self._last_post[channel] = self._monotonic()

    def _failed(self, message: OutboxMessage, reason: str, retry_after: str | None) -> None:
        if reason in PERMANENT or message.attempts + 1 >= MAX_ATTEMPTS:
            log.warning("giving up on %s: %s", message.key, reason)
            self._outbox.fail(message.key, reason)
            return
        wait = 2.0 ** min(message.attempts, 8) * 15
        if reason == "ratelimited" and retry_after:
            wait = max(wait, float(retry_after))
        log.info("will retry %s in %.0f s: %s", message.key, wait, reason)
        self._outbox.retry_later(message.key, reason, self._clock() + timedelta(seconds=wait))
