"""Where a poll's window starts: the previous poll, less the overlap and the zone lag."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.relay.watch import OVERLAP, UNKNOWN_ZONE_LAG, window_start, zone_lag

SUMMER = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
WINTER = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zones", "at", "lag"),
    [
        (["Europe/London"], WINTER, timedelta(0)),  # on UTC: no lag
        (["Australia/Brisbane"], WINTER, timedelta(0)),  # east of UTC: stamps run ahead, never behind
        (["America/Phoenix", "Australia/Brisbane"], WINTER, timedelta(hours=7)),  # the west one decides
        (["America/New_York"], SUMMER, timedelta(hours=4)),  # daylight saving counts
        (["America/New_York"], WINTER, timedelta(hours=5)),
        (["Europe/London", None], WINTER, UNKNOWN_ZONE_LAG),  # a location with no known zone
        ([], WINTER, UNKNOWN_ZONE_LAG),  # no locations known yet (first start)
        (["Not/AZone"], WINTER, UNKNOWN_ZONE_LAG),
    ],
)
def test_zone_lag(zones: list[str | None], at: datetime, lag: timedelta) -> None:
    assert zone_lag(zones, [at]) == lag


def test_lag_takes_the_larger_side_of_a_clock_change() -> None:
    # From the last poll in March (UTC−5 in New York) to now in summer (UTC−4): the wider one.
    march = datetime(2026, 3, 1, tzinfo=UTC)
    assert zone_lag(["America/New_York"], [march, SUMMER]) == timedelta(hours=5)


def test_window_starts_before_anything_created_since_the_previous_poll_in_either_reading() -> None:
    previous = WINTER
    start = window_start(previous, ["America/Phoenix"], previous + timedelta(minutes=1))
    created = previous + timedelta(seconds=1)
    in_utc = created.replace(tzinfo=None)
    as_local_wall_clock = (created - timedelta(hours=7)).replace(tzinfo=None)
    assert start.replace(tzinfo=None) <= min(in_utc, as_local_wall_clock)
    assert start == previous - OVERLAP - timedelta(hours=7)
