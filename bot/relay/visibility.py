"""Which channels may see a thread: the rules the planner, digests and edits share.

A private thread never reaches a channel; a Private group's thread reaches only a channel
that fits that group (bot/channel_audience.py), and its queued posts wait while that
channel's subscription is paused.
"""

from __future__ import annotations

from bot.portal.models import CommunityGroup, GroupAccess, Thread
from bot.relay.keys import ChannelTarget, parse_outbox_target
from store.relay_models import OutboxMessage, Subscription


def visible_to_channels(thread: Thread, groups: dict[int, CommunityGroup]) -> bool:
    return not thread.private and group_is_open(thread.community_group_id, groups)


def group_is_open(group_id: int | None, groups: dict[int, CommunityGroup]) -> bool:
    """No group, or a group that is not Private. A group we cannot see counts as Private:
    never guess in favour of posting."""
    if group_id is None:
        return True
    group = groups.get(group_id)
    return group is not None and group.group_access != GroupAccess.PRIVATE


def matches(subscription: Subscription, thread: Thread) -> bool:
    if subscription.business_id is not None and subscription.business_id != thread.business_id:
        return False
    if subscription.group_id is not None and subscription.group_id != thread.community_group_id:
        return False
    wanted = (subscription.tag or "").casefold()
    return not wanted or wanted in (t.casefold() for t in thread.tag_list())


def held_for_group(
    messages: list[OutboxMessage], start: int, thread: Thread, groups: dict[int, CommunityGroup]
) -> None:
    """Channel messages planned from ``start`` about a Private group's thread go only while
    their channel's subscription to that group is not paused (checked again when sent)."""
    if group_is_open(thread.community_group_id, groups):
        return
    for n in range(start, len(messages)):
        if isinstance(parse_outbox_target(messages[n].target), ChannelTarget):
            messages[n] = messages[n].model_copy(update={"needs_group": thread.community_group_id})
