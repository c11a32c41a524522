"""Portal edits and removals carried to the channel posts the relay made, once each.

After each poll, one list call finds them: threads whose ``UpdatedOn`` is at or after the
earlier of the poll window's start and the oldest channel post still tracked
(``TRACKED_FOR``). A thread's ``UpdatedOn`` is never before its ``CreatedOn``, so every
tracked thread still on the board is in the answer; one that is not is read once by id to
tell "deleted or hidden from the bot" (401 "Not found") from a stamp outside the range.

* deleted (or hidden) → the post, the replies relayed under it and followers' DMs about
  it are replaced by a "no longer available" notice;
* turned private, or in a Private group → the post and its relayed replies are (followers
  may still see the thread, so their DMs stay), except a post made for a subscription to
  that Private group whose channel still fits it (its outbox row's ``needs_group``);
* subject, opening message or group no longer what the post shows (kept when it was
  planned; for older posts, when first looked at) → the post is re-rendered and updated
  in place, marked edited. The rendering itself is not compared: it also follows caches.

Group access comes fresh (one ``groups()`` call) only when an updated thread has a group
or a group is unknown; otherwise from the directory cache (at most 15 minutes old), so a
group turned Private also withdraws its threads' posts within a cache refresh. Each change
is recorded (``store.relayed_changes``) before ``chat.update``; ``change_delivery`` sends.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.directory import Directory
from bot.portal import NexudusClient, PortalNotFound
from bot.portal.models import CommunityGroup, GroupAccess, Thread
from bot.portal.timestamps import at_or_after, minute_text
from bot.relay.items import Message, RelayRenderer
from bot.relay.keys import ChannelPostKey, RepliesDmKey, parse_outbox_key
from bot.relay.plan import RelayPlanner
from bot.relay.visibility import group_is_open
from bot.relay.watch import window_start
from store.outbox import OutboxRepository
from store.relay_models import OutboxMessage
from store.relayed_changes import WITHDRAWN, RelayedChange, RelayedChangeRepository

log = logging.getLogger(__name__)

# Channel posts are kept in step with the portal for two weeks after they were made: past
# that a thread's post has scrolled away, and the list call's range would only grow.
TRACKED_FOR = timedelta(days=14)
SCAN = "portal_changes"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ChangeMarks(Protocol):
    """How a changed message looks (implemented in ``handlers.blocks``)."""

    def withdrawn(self) -> Message: ...

    def edited(self, message: Message) -> Message: ...


def fingerprint(thread: Thread) -> str:
    """What a portal edit changes on a channel post: subject, opening message, group. The
    rendering is not compared: it also follows caches (a location's name) and versions."""
    shown = [thread.subject, thread.message, thread.community_group_id]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()


class PortalChanges:
    def __init__(
        self,
        *,
        portal: NexudusClient,
        outbox: OutboxRepository,
        changes: RelayedChangeRepository,
        planner: RelayPlanner,
        renderer: RelayRenderer,
        marks: ChangeMarks,
        directory: Directory,
        zones: Callable[[], Iterable[str | None]],
    ) -> None:
        self._portal = portal
        self._outbox = outbox
        self._changes = changes
        self._planner = planner
        self._render = renderer
        self._marks = marks
        self._directory = directory
        self._zones = zones

    def remember_posted(self, posted: Iterable[tuple[str, Thread]], now: datetime) -> None:
        """Keep what each channel post about to be sent shows (its outbox key and the thread
        as planned), so an edit made before the next look is still seen as one."""
        self._changes.add([_shown(key, thread, now) for key, thread in posted])

    def find(self, now: datetime) -> int:
        """Record what changed on the portal since the last look; returns how many changes
        are new. Raises ``PortalError`` (nothing recorded) when Nexudus fails."""
        posts = self._tracked(now)
        previous = self._changes.last_scan(SCAN) or now
        if not posts:
            self._changes.record_scan(SCAN, now)
            return 0
        zones = list(self._zones())
        edits_since = minute_text(window_start(previous, zones, now))
        oldest = min(post.created_at for post in posts.values())
        list_since = minute_text(min(window_start(oldest, zones, now), window_start(previous, zones, now)))
        threads = {t.id: t for t in self._portal.threads_updated_since(list_since)}
        wanted = {key.thread_id for key in posts}
        threads.update(self._absent(wanted - threads.keys()))
        groups = self._fresh_groups([threads[i] for i in wanted if i in threads], edits_since)
        shown = self._changes.latest_fingerprints([post.key for post in posts.values()])
        found: list[RelayedChange] = []
        for thread_id in sorted(wanted):
            mine = [(key, post) for key, post in posts.items() if key.thread_id == thread_id]
            found += self._changes_of(thread_id, threads.get(thread_id), mine, groups, shown, now)
        added = self._changes.add(found)
        self._changes.record_scan(SCAN, now)
        return added

    def _tracked(self, now: datetime) -> dict[ChannelPostKey, OutboxMessage]:
        """Channel posts made in the tracking period and not withdrawn already."""
        sent = self._outbox.sent_since(ChannelPostKey.prefix(), now - TRACKED_FOR)
        gone = self._changes.withdrawn([m.key for m in sent])
        posts: dict[ChannelPostKey, OutboxMessage] = {}
        for message in sent:
            key = parse_outbox_key(message.key)
            if isinstance(key, ChannelPostKey) and message.key not in gone and message.ts:
                posts[key] = message
        return posts

    def _absent(self, thread_ids: Iterable[int]) -> dict[int, Thread]:
        """Tracked threads the list left out, read by id: those still there (a stamp outside
        the range) come back; deleted or hidden ones (401 "Not found") do not."""
        found: dict[int, Thread] = {}
        for thread_id in sorted(thread_ids):
            try:
                found[thread_id] = self._portal.thread(thread_id)
            except PortalNotFound:
                log.info(
                    "thread %s is gone or hidden from the bot: its Slack copies are withdrawn", thread_id
                )
        return found

    def _fresh_groups(self, threads: list[Thread], edits_since: str) -> dict[int, CommunityGroup] | None:
        """Groups read fresh when a tracked thread was moved or edited in a group, or sits in
        a group the cache does not know; None means the directory cache will do."""
        needed = any(
            t.community_group_id is not None
            and (
                at_or_after(t.updated_on, edits_since) or self._directory.group(t.community_group_id) is None
            )
            for t in threads
        )
        return {g.id: g for g in self._portal.groups()} if needed else None

    def _open(self, thread: Thread, fresh: dict[int, CommunityGroup] | None) -> bool:
        if thread.private:
            return False
        if fresh is not None or thread.community_group_id is None:
            return group_is_open(thread.community_group_id, fresh or {})
        cached = self._directory.group(thread.community_group_id)
        return cached is not None and cached.access != GroupAccess.PRIVATE

    def _changes_of(
        self,
        thread_id: int,
        thread: Thread | None,
        posts: list[tuple[ChannelPostKey, OutboxMessage]],
        groups: dict[int, CommunityGroup] | None,
        shown: dict[str, str],  # what each post shows, by its key (``latest_fingerprints``)
        now: datetime,
    ) -> list[RelayedChange]:
        if thread is None:
            dms = self._outbox.sent_since(RepliesDmKey.prefix_of_thread(thread_id), _EPOCH)
            return self._withdraw([m for _, post in posts for m in self._with_replies(post)] + dms, now)
        shown_to = self._shown_to(thread, [post for _, post in posts], groups)
        hidden = [m for _, post in posts if post.key not in shown_to for m in self._with_replies(post)]
        found = self._withdraw(hidden, now)
        for _, post in posts:
            if post.key not in shown_to:
                continue
            showing = shown.get(post.key)
            if showing is None:
                # Posted before this version: what it shows is taken as is.
                found.append(_shown(post.key, thread, now))
            elif showing != fingerprint(thread) and post.channel and post.ts:
                found.append(self._edit(post, thread, groups, now))
        return found

    def _shown_to(
        self, thread: Thread, posts: list[OutboxMessage], groups: dict[int, CommunityGroup] | None
    ) -> set[str]:
        """The keys of the posts the thread may stay in: all when it is open to the whole
        board; in a Private group, those made for a subscription to that very group whose
        channel still fits it (``needs_group``, the subscription unpaused)."""
        if self._open(thread, groups):
            return {post.key for post in posts}
        group_id = thread.community_group_id
        if thread.private or group_id is None:
            return set()
        known = self._directory.group(group_id) if groups is None else groups.get(group_id)
        if known is None:
            return set()  # never guess in favour of showing
        mine = [post.key for post in posts if post.needs_group == group_id]
        return self._outbox.group_cleared(mine)

    def _with_replies(self, post: OutboxMessage) -> list[OutboxMessage]:
        return [post, *self._outbox.sent_under(post.key)]

    def _withdraw(self, messages: list[OutboxMessage], now: datetime) -> list[RelayedChange]:
        text, blocks = self._marks.withdrawn()
        return [
            RelayedChange(
                key=m.key,
                change=WITHDRAWN,
                channel=m.channel,
                ts=m.ts,
                text=text,
                blocks=blocks,
                created_at=now,
            )
            for m in messages
            if m.channel and m.ts
        ]

    def _edit(
        self, post: OutboxMessage, thread: Thread, groups: dict[int, CommunityGroup] | None, now: datetime
    ) -> RelayedChange:
        """The post re-rendered as the thread is now, marked edited."""
        rendered = self._render.channel_thread(self._planner.board_thread(thread, groups or {}))
        text, blocks = self._marks.edited(rendered)
        new = fingerprint(thread)
        return RelayedChange(
            key=post.key,
            # One change per portal edit: two processes (or polls) seeing it record one row.
            change=f"edit:{thread.updated_on}:{new[:12]}",
            channel=str(post.channel),
            ts=str(post.ts),
            text=text,
            blocks=blocks,
            fingerprint=new,
            created_at=now,
        )


def _shown(key: str, thread: Thread, now: datetime) -> RelayedChange:
    """A record of what a post shows, with nothing to send (done from the start)."""
    return RelayedChange(
        key=key,
        change=f"shown:{thread.updated_on}",
        channel="",
        ts="",
        text="",
        blocks=[],
        fingerprint=fingerprint(thread),
        state="done",
        created_at=now,
    )
