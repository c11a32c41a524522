"""Times of day in time zones: digest schedules that stay right across daylight saving."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_clock_time(text: str) -> time | None:
    found = _CLOCK.match(text.strip())
    return time(int(found.group(1)), int(found.group(2))) if found else None


def is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone_or_utc(name: str | None) -> ZoneInfo:
    return zone_or_none(name) or ZoneInfo("UTC")


def zone_or_none(name: str | None) -> ZoneInfo | None:
    return ZoneInfo(name) if name and is_time_zone(name) else None


def latest_occurrence(at: time, zone: ZoneInfo, now: datetime) -> datetime:
    """The most recent moment, at or before ``now``, when local clocks in ``zone`` showed ``at``.

    Built from the local date, so 08:00 stays 08:00 local on either side of a daylight-saving
    change (07:00 or 08:00 UTC in London) instead of drifting by an hour.
    """
    local_now = now.astimezone(zone)
    for days_back in (0, 1, 2):
        day = local_now.date() - timedelta(days=days_back)
        moment = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        if moment <= now:
            return moment
    raise AssertionError("unreachable: one of the last three days has passed")
