"""A webhook's nudge: the threads and replies it names, read fresh and relayed as a poll would.

The payload only says *which* records to look at. Each is read by id from the API, then
planned by the same planner with the same outbox keys and recorded in the same seen-ids
table, under the same ``poll`` lease, in one transaction: push and poll each skip what the
other has recorded, so neither delivers twice. Privacy is decided on the fresh records.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot.home import subject_of
from bot.portal import NexudusClient, PortalError, PortalNotFound
from bot.portal.models import Reply, Thread
from bot.relay.cycle import POLL_LEASE, Relay, recorded_summary
from bot.relay.watch import REPLIES, THREADS, Activity
from store.relay_state import record_poll

log = logging.getLogger(__name__)

# How long a nudge waits for a poll (or another nudge) holding the lease. Past it, the
# records are left to the next poll, which finds them by their creation time.
LEASE_PATIENCE = 10.0


class Nudger:
    def __init__(self, relay: Relay, portal: NexudusClient, *, patience: float = LEASE_PATIENCE) -> None:
        self._relay = relay
        self._portal = portal
        self._patience = patience

    def nudge(
        self, thread_ids: Iterable[int], reply_ids: Iterable[int], stop: threading.Event | None = None
    ) -> str:
        """Relay the named records not yet seen, then send what is due; returns a summary."""
        relay = self._relay
        with relay.leases.hold(POLL_LEASE, patience=self._patience) as polling:
            if not polling:
                log.info("webhook: another process is polling; the poll will pick these up")
                return "left to the poll"
            try:
                found = self._record(list(thread_ids), list(reply_ids), relay.clock())
            except (PortalError, SlackApiError) as error:
                # Nothing was recorded: the next poll finds these records by their stamps.
                log.warning("webhook: left to the poll (%s)", error)
                return "left to the poll"
        return f"{found}, sent: {relay.sender.deliver_due(stop)}"

    def _record(self, thread_ids: list[int], reply_ids: list[int], now: datetime) -> str:
        state = self._relay.store.relay_state
        activity = Activity()
        activity.seen = {
            THREADS: state.unseen(THREADS, thread_ids),
            REPLIES: state.unseen(REPLIES, reply_ids),
        }
        activity.threads = [t for t in map(self._thread, activity.seen[THREADS]) if t is not None]
        replies = [r for r in map(self._reply, activity.seen[REPLIES]) if r is not None]
        listed = {t.id: t for t in activity.threads}
        for thread_id in dict.fromkeys(r.community_thread_id for r in replies):
            thread = listed.get(thread_id) or self._thread(thread_id)
            if thread is not None:
                activity.reply_threads[thread_id] = thread
        activity.replies = [r for r in replies if r.community_thread_id in activity.reply_threads]
        plan = self._relay.planner.plan(activity, now)
        # Unseen ids that are gone are recorded too, so a repeated webhook logs them once.
        record_poll(
            self._relay.store.file,
            messages=plan.messages,
            digest_items=plan.digest_items,
            seen=activity.seen,
            cursors={},
            now=now,
        )
        self._relay.remember_posts(activity, plan, now)
        read = [*activity.threads, *activity.reply_threads.values()]
        self._relay.store.thread_subjects.remember(subject_of(t, now) for t in read)
        return recorded_summary(activity, plan)

    def _thread(self, thread_id: int) -> Thread | None:
        try:
            return self._portal.thread(thread_id)
        except PortalNotFound:
            log.info("webhook: thread %s skipped: it is gone or hidden from the bot", thread_id)
            return None

    def _reply(self, reply_id: int) -> Reply | None:
        try:
            return self._portal.reply(reply_id)
        except PortalNotFound:
            log.info("webhook: reply %s skipped: it is gone or hidden from the bot", reply_id)
            return None
