"""Recognising the reply an earlier attempt made (a process killed mid-create, a timeout after
Nexudus acted), so another attempt does not post it twice.

Replies carry no correlation key, so a row is ours if it is by the member, on the thread,
with exactly the body we send, created after the member's Slack message reached us, and no
other Slack message is recorded as having become it (a member may say "+1" twice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from bot.portal.models import NewReply, Reply
from bot.portal.timestamps import STAMP_SLACK, wall_clock
from bot.sent_threads import naive_utc


def find_sent_reply(
    rows: list[Reply],
    sent: NewReply,
    *,
    since: datetime,
    now: datetime,
    taken: Callable[[Iterable[int]], set[int]],
) -> int | None:
    """The id of the reply ``sent`` made among ``rows`` (the earliest if several), else None."""
    # A stamp may be a location's wall clock behind a "Z" (reference §15): trust it only
    # to within the widest UTC offsets.
    start, end = naive_utc(since - STAMP_SLACK), naive_utc(now + STAMP_SLACK)
    found = [
        (created or start, row.id)
        for row in rows
        if row.community_thread_id == sent.community_thread_id
        and row.user_id == sent.user_id
        and row.message.strip() == sent.message.strip()
        and ((created := wall_clock(row.created_on)) is None or start <= created <= end)
    ]
    others = taken([reply_id for _, reply_id in found]) if found else set()
    mine = sorted(f for f in found if f[1] not in others)
    return mine[0][1] if mine else None
