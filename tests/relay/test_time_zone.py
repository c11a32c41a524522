"""The bot's own time zone for channel digests: BOT_TIMEZONE, else Nexudus's, else UTC."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.emulators.stack import LocalStack
from bot.relay.cycle import bot_time_zone


def test_configured_zone_wins(stack: LocalStack) -> None:
    assert bot_time_zone("Asia/Tokyo", stack.portal)() == ZoneInfo("Asia/Tokyo")


def test_nexudus_default_location_zone_is_asked_once(stack: LocalStack) -> None:
    zone = bot_time_zone(None, stack.portal)

    assert zone() == zone() == ZoneInfo("Europe/London")  # the seeded account's zone
    assert len(stack.nexudus.calls("GET", "/api/auth/me")) == 1


def test_utc_when_nexudus_cannot_say(stack: LocalStack) -> None:
    stack.nexudus.faults.down = True

    assert bot_time_zone(None, stack.portal)() == ZoneInfo("UTC")
