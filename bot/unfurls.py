"""What a pasted portal thread link unfurls to, if anything.

An unfurl is shown to everyone in the conversation (externals included), so only threads
everyone on the board can see are unfurled: not private, not in a Private group, and
still there. Each is read fresh: the thread, its group's access, its reply count (one row
and the list's total).
"""

from __future__ import annotations

import logging

from bot.directory import Directory
from bot.portal import NexudusClient, PortalError, PortalNotFound
from bot.portal.models import CommunityGroup, Thread
from bot.relay.items import BoardThread
from bot.relay.people import PortalPeople
from bot.relay.visibility import visible_to_channels
from bot.thread_links import thread_id_in, thread_url

log = logging.getLogger(__name__)


class ThreadCard(BoardThread):
    """A thread as the relay shows it, with the two facts only an unfurl gives; text is
    portal text, to be escaped by the builder."""

    replies: int
    last_activity: str | None = None  # Nexudus's own stamp text


class ThreadUnfurls:
    def __init__(
        self,
        *,
        portal: NexudusClient,
        people: PortalPeople,
        directory: Directory,
        thread_url_template: str | None,
    ) -> None:
        self._portal = portal
        self._people = people
        self._directory = directory
        self._template = thread_url_template

    def thread_id(self, url: str) -> int | None:
        """The thread a link points to; None for any other page."""
        return thread_id_in(self._template, url)

    def card(self, thread_id: int) -> ThreadCard | None:
        """The card for a thread everyone may see; None for any other (or when Nexudus fails:
        no unfurl is better than a wrong one)."""
        try:
            thread = self._portal.thread(thread_id)
            groups = self._groups_of(thread)
            # The relay's own rule for channels: an unfurl is shown to everyone there.
            if not visible_to_channels(thread, groups):
                return None
            replies = self._portal.reply_count(thread_id)
        except PortalNotFound:
            return None  # deleted, or hidden from the bot
        except PortalError as error:
            log.warning("no unfurl for thread %s: %s", thread_id, error)
            return None
        group = groups.get(thread.community_group_id) if thread.community_group_id is not None else None
        return self._card(thread, group, replies)

    def _groups_of(self, thread: Thread) -> dict[int, CommunityGroup]:
        """The thread's group, read fresh: a group turned Private must never unfurl."""
        if thread.community_group_id is None:
            return {}
        try:
            return {thread.community_group_id: self._portal.group(thread.community_group_id)}
        except PortalNotFound:
            return {}  # a group we cannot see counts as Private

    def _card(self, thread: Thread, group: CommunityGroup | None, replies: int) -> ThreadCard:
        location = self._directory.location(thread.business_id)
        return ThreadCard(
            id=thread.id,
            subject=thread.subject,
            location=location.name if location else f"Location {thread.business_id}",
            group=group.name if group else None,
            group_id=thread.community_group_id,
            author=self._people.name(thread.user_id),
            replies=replies,
            last_activity=thread.last_message_date or thread.updated_on or thread.created_on,
            url=thread_url(self._template, thread.id),
        )
