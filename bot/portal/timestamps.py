"""Nexudus timestamps, read tolerantly and compared as written.

Live accounts write six or seven fractional digits, always with a ``Z`` that may not mean
UTC: a location's wall clock can stand behind it (reference §4, §15). So the relay never
converts them: a stamp is only compared with a filter value written the same way.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

# The widest offsets of wall clocks from UTC (UTC−12 … UTC+14): how far a stamp written
# as a location's local time behind a "Z" can be from the true moment.
STAMP_SLACK = timedelta(hours=14)

_STAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?")


def minute_text(moment: datetime) -> str:
    """Range filters take ``YYYY-MM-DDTHH:mm`` (minute precision, reference §4)."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def wall_clock(text: str | None) -> datetime | None:
    """The date and time as written, without its zone suffix (``Z``, ``+10:00`` or none);
    any number of fractional digits. None for text that is not a timestamp."""
    found = _STAMP.match((text or "").strip())
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction = found.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro)


def at_or_after(text: str | None, since: str) -> bool:
    """Whether a stamp is inside ``from_…=since``, as the API compares: at minute precision."""
    moment = wall_clock(text)
    start = wall_clock(since)
    return moment is not None and start is not None and moment.replace(second=0, microsecond=0) >= start
