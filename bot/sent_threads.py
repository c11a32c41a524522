"""Recognising the thread an ambiguous create made (a timeout or 5xx after Nexudus acted).

Whether Nexudus keeps a ``SystemId`` sent on create is unconfirmed (reference §15). When a
row has one, it decides; when not, a row is ours if it matches what we sent: author,
location, subject, the exact body, a creation time near the draft's, and no other draft
has already recorded it (a member may post the same text twice on purpose).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from bot.portal.models import NewThread, ThreadSummary
from bot.portal.timestamps import STAMP_SLACK

log = logging.getLogger(__name__)


def find_sent_thread(
    rows: list[ThreadSummary],
    sent: NewThread,
    *,
    key: str,
    first_attempt: datetime,
    now: datetime,
    taken: Callable[[list[int]], set[int]],
) -> int | None:
    """The id of the thread ``sent`` made, among ``rows``; None if it is not there.

    ``taken(ids)``: those of ``ids`` other drafts are recorded as having posted. Several
    candidates left (the same text also posted by hand) resolve to the earliest.
    """
    # Nexudus timestamps may be a location's wall clock behind a "Z" (reference §4, §15): a
    # lost thread's CreatedOn is trusted only to within the widest UTC offsets.
    window = (naive_utc(first_attempt - STAMP_SLACK), naive_utc(now + STAMP_SLACK))
    found = [r for r in rows if is_sent_thread(r, sent, key, window)]
    others = taken([r.id for r in found]) if found else set()
    found = [r for r in found if r.id not in others]
    found.sort(key=lambda r: (r.created_on is None, naive_utc(r.created_on or now)))
    if len(found) > 1:
        log.warning("draft %s matches threads %s: taking the earliest", key, [r.id for r in found])
    return found[0].id if found else None


def is_sent_thread(row: ThreadSummary, sent: NewThread, key: str, window: tuple[datetime, datetime]) -> bool:
    """Whether a listed thread is the one ``sent`` made. Every filter asked for is checked
    again: live accounts ignore filters they do not know and return everything (§15)."""
    if row.system_id:
        return row.system_id == sent.system_id
    created = naive_utc(row.created_on) if row.created_on else None
    return (
        row.business_id == sent.business_id
        and row.user_id == sent.user_id
        and (row.subject or "").strip() == sent.subject.strip()
        and (row.message or "").strip() == sent.message.strip()
        and (created is None or window[0] <= created <= window[1])
    )


def naive_utc(moment: datetime) -> datetime:
    """Naive UTC, so ours and Nexudus's compare; a "Z" that is really local time is what
    ``STAMP_SLACK`` absorbs."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
