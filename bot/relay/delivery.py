"""Sending the outbox: paced per channel, Retry-After honoured, failures kept with reasons.

Any number of bot processes may send from one outbox. Each message is claimed in SQLite
just before its send (then it waits for the channel's turn), for ``claim_seconds``, so it has one
sender; it is marked sent right after Slack accepts it (if that write fails, the process
keeps it in memory, retries it first thing on the next pass and never sends the message
again). A process killed mid-send holds one claim, which lapses and is taken over. The
one window left, between Slack's answer and that SQLite write, is a single local
transaction (benchmarked in tests/perf/bench_relay.py); a crash inside it would repeat
that one message.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import utc_now
from bot.relay.keys import ChannelTarget, DmTarget, OutboxTarget, parse_outbox_target
from bot.relay.pace import ChannelPace, slack_failure
from bot.slack_errors import CHANNEL_UNAVAILABLE, MESSAGE_REFUSED, TOKEN_REFUSED
from bot.slack_health import SlackHealth, SlackTokenRefused
from bot.slack_retries import bounded_retries
from bot.slack_users import SlackUsers
from store.channel_turns import ChannelTurnRepository
from store.outbox import OutboxRepository
from store.relay_models import OutboxMessage

log = logging.getLogger(__name__)

# Slack's documented pace for chat.postMessage: about one message a second per channel.
CHANNEL_PACE = 1.0
# Errors no retry can fix; the message is kept, failed, with the reason.
PERMANENT = (
    CHANNEL_UNAVAILABLE
    | TOKEN_REFUSED
    | MESSAGE_REFUSED
    | {"user_not_found", "cannot_dm_bot", "restricted_action"}
)
MAX_ATTEMPTS = 8
RECIPIENT_DEACTIVATED = "recipient deactivated in Slack, or gone"
# A claim must outlast one send. The client's retry handlers share one attempt counter, so
# a call makes at most four attempts (the largest max_retry_count is 3), each within the
# client's 10 s timeout (per socket operation); between them at most three in-call
# Retry-After waits of RETRY_AFTER_IN_CALL seconds plus slack_sdk's jitter of up to 1 s
# (a connection retry's backoff is shorter): 4 × 10 + 3 × 21 = 103 s, after a channel turn
# of at most 3 s (``bot.relay.pace``). A longer
# Retry-After ends the call, and the message waits in the outbox instead. The DM channel
# lookup runs before the claim, through the app's client whose 429 retries are unbounded.
CLAIM_SECONDS = 120.0
RETRY_AFTER_IN_CALL = 20
SLACK_UNREACHABLE = (SlackApiError, URLError, OSError)


class OutboxSender:
    def __init__(
        self,
        client: WebClient,
        outbox: OutboxRepository,
        slack_users: SlackUsers,
        *,
        turns: ChannelTurnRepository,  # each channel's turns, shared by every process
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        owner: str | None = None,
        claim_seconds: float = CLAIM_SECONDS,
        channel_pace: float = CHANNEL_PACE,
        health: SlackHealth | None = None,
        channel_refused: Callable[[str, str], bool] | None = None,
    ) -> None:
        # Told of a channel's refusal (bot removed, archived…); True: the channel is paused.
        self._channel_refused = channel_refused
        self._client = bounded_retries(client, longest_wait=RETRY_AFTER_IN_CALL)
        # A refused token pauses every sender (in SQLite) instead of failing each message.
        self._health = health
        self._outbox = outbox
        self.owner = owner or uuid.uuid4().hex  # claims are held in this name
        self.claim_for = timedelta(seconds=claim_seconds)
        self._clock = clock
        self._sleep = sleep
        # Turns shared with every process and with the edits (``turns``), by Slack channel id.
        self._pace = ChannelPace(channel_pace, turns, clock)
        self._slack_users = slack_users
        # Sent, but "sent" could not be written yet: key → (channel, ts). Never sent again.
        self._unrecorded: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()  # one delivery pass at a time in this process
        # Told when each message was recorded, once Slack accepted it: the relay lag metric.
        self.on_sent: Callable[[datetime], None] | None = None

    def deliver_due(self, stop: threading.Event | None = None) -> int:
        """Send what is due; returns how many were sent. Stops between sends when asked."""
        sent = 0
        with self._lock:
            self._record_unrecorded()
            if self._health is not None and not self._health.ready():
                return 0  # paused: the outbox keeps everything, attempts untouched
            for message in self._outbox.due(self._clock(), owner=self.owner):
                if stop is not None and stop.is_set():
                    # Normally none is left (one claim per send), unless a send raised.
                    self._outbox.release_claims(self.owner, keep=list(self._unrecorded))
                    break
                if message.key in self._unrecorded:
                    continue
                try:
                    sent += self._deliver(message)
                except SlackTokenRefused:
                    # Not the message's fault: its claim goes back, its attempts unchanged.
                    self._outbox.release_claims(self.owner, keep=list(self._unrecorded))
                    break
        return sent

    def release_claims(self) -> int:
        """Give back this sender's claims on messages it has not sent (shutting down); waits
        for a pass under way, which stops between sends when its stop event is set."""
        with self._lock:
            self._record_unrecorded()
            return self._outbox.release_claims(self.owner, keep=list(self._unrecorded))

    def _deliver(self, message: OutboxMessage) -> int:
        ready, thread_ts = self._parent_ts(message)
        if not ready:
            return 0
        target = parse_outbox_target(message.target)
        try:
            # Before the claim: it may wait out 429s without bound, and is cached and
            # idempotent, so a lookup nobody uses costs nothing.
            channel = self._channel_for(target)
        except SLACK_UNREACHABLE as error:
            if self._health is not None:
                self._health.stop_on_refusal(error)
            if self._claim(message):  # only the claim's holder records an outcome
                self._failed(message, error)
            return 0
        if channel is None and self._claim(message):
            log.info("not sending %s: its recipient is deactivated in Slack", message.key)
            self._outbox.fail(message.key, RECIPIENT_DEACTIVATED, owner=self.owner)
        if channel is None:
            return 0
        # Claimed before the channel's turn is taken, so processes sending from one outbox
        # never take turns for messages another of them sends.
        if not self._claim(message):
            return 0  # another process sent it, or is sending it
        self._pace.wait(channel, self._sleep)
        try:
            answer = self._client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SLACK_UNREACHABLE as error:
            if self._health is not None:
                self._health.stop_on_refusal(error)
            self._failed(message, error)
            return 0
        self._record_sent(message.key, str(answer["channel"]), str(answer["ts"]))
        if self.on_sent is not None:
            self.on_sent(message.created_at)
        return 1

    def _parent_ts(self, message: OutboxMessage) -> tuple[bool, str | None]:
        """Whether a message can go now, and the channel post it replies under, if any."""
        if not message.parent_key:
            return True, None
        parent = self._outbox.get(message.parent_key)
        if parent is None or parent.state == "failed":
            if self._claim(message):
                self._outbox.fail(
                    message.key, "the channel post it replies to was never sent", owner=self.owner
                )
            return False, None
        # A parent not sent yet goes first; this one waits for the next pass.
        return parent.state == "sent", parent.ts

    def _claim(self, message: OutboxMessage) -> bool:
        now = self._clock()
        return self._outbox.claim(message.key, self.owner, now + self.claim_for, now)

    def _record_sent(self, key: str, channel: str, ts: str) -> bool:
        """Mark a message Slack accepted as sent; if SQLite refuses (busy past its timeout),
        keep it in memory so this process neither loses it nor, re-claiming its own claim
        on the next pass, sends it again."""
        try:
            self._outbox.mark_sent(key, channel, ts, self._clock())
        except sqlite3.Error as error:
            log.warning("%s was sent (%s %s) but not yet recorded: %s", key, channel, ts, error)
            self._unrecorded[key] = (channel, ts)
            return False
        self._unrecorded.pop(key, None)
        return True

    def _record_unrecorded(self) -> None:
        for key, (channel, ts) in list(self._unrecorded.items()):
            if self._record_sent(key, channel, ts):
                log.info("%s recorded as sent at last", key)

    def _channel_for(self, target: OutboxTarget) -> str | None:
        """Where to post; None for a member deactivated in Slack since it was queued."""
        match target:
            case DmTarget(user_id):
                profile = self._slack_users.profile(user_id)
                return None if profile is None or profile.deleted else self._slack_users.dm_channel(user_id)
            case ChannelTarget(channel_id):
                return channel_id

    def _failed(self, message: OutboxMessage, error: Exception) -> None:
        reason, retry_after = slack_failure(error)
        if self._held_for_channel(message, reason):
            return
        if reason in PERMANENT or message.attempts + 1 >= MAX_ATTEMPTS:
            log.warning("giving up on %s: %s", message.key, reason)
            self._outbox.fail(message.key, reason, owner=self.owner)
            return
        wait = 2.0 ** min(message.attempts, 8) * 15
        if reason == "ratelimited" and retry_after:
            wait = max(wait, retry_after)
        log.info("will retry %s in %.0f s: %s", message.key, wait, reason)
        self._outbox.retry_later(
            message.key, reason, self._clock() + timedelta(seconds=wait), owner=self.owner
        )

    def _held_for_channel(self, message: OutboxMessage, reason: str) -> bool:
        """A channel the bot cannot post in is paused: its message waits, kept, not failed."""
        target = parse_outbox_target(message.target)
        if self._channel_refused is None or not isinstance(target, ChannelTarget):
            return False
        if not self._channel_refused(target.channel_id, reason):
            return False
        log.info("%s waits: channel %s paused (%s)", message.key, target.channel_id, reason)
        self._outbox.hold(message.key, reason, owner=self.owner)
        return True
