"""Whether a channel's audience may read a Private group's threads, and why (said to admins).

Pure: the caller reads the audience (``bot.channel_audience``) and the group's members.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.portal.models import CommunityGroup
from store.channel_audience import ChannelAudience

LIMITED = "guests or people from other organisations are in this channel"
# People named in a reason; the rest are counted, so a big channel's notice stays short
# (a DM's section text holds 3000 characters, and /newthread status lists every reason).
NAMED_AT_MOST = 10


@dataclass(frozen=True)
class GroupFit:
    """Whether a channel may get a Private group's threads, and why."""

    fits: bool
    reason: str


def private_fit(
    audience: ChannelAudience | None,
    group: CommunityGroup,
    *,
    in_group: Callable[[str, frozenset[int]], bool],
    name: Callable[[str], str],
) -> GroupFit:
    """The rule for a Private group, whatever ``group`` says of its access now: a private,
    unshared channel with no guest, whose every person is a member of the group."""
    if audience is None:
        return GroupFit(
            False, f"Slack did not say who is in this channel, so Private group {group.name} waits"
        )
    if audience.limited:
        outsiders = [m.user_id for m in audience.outsiders()]
        who = f" ({names(outsiders, name)})" if outsiders else " (the channel is shared)"
        return GroupFit(False, f"{LIMITED}{who}, so Private group {group.name} is never posted here")
    if not audience.is_private:
        return GroupFit(False, f"this channel is public, so Private group {group.name} is never posted here")
    members = frozenset(group.members)
    outside = [m.user_id for m in audience.people() if not in_group(m.user_id, members)]
    if outside:
        return GroupFit(False, f"not members of Private group {group.name}: {names(outside, name)}")
    return GroupFit(True, f"Private group {group.name}: every member here is a member of it")


def names(user_ids: list[str], name: Callable[[str], str]) -> str:
    """The first NAMED_AT_MOST people by name, then how many more."""
    shown = ", ".join(name(u) for u in user_ids[:NAMED_AT_MOST])
    more = len(user_ids) - NAMED_AT_MOST
    return f"{shown} and {more} more" if more > 0 else shown
