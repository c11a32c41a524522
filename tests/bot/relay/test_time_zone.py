"""The bot's own time zone for channel digests: BOT_TIMEZONE, else the default location's, else UTC.

Nexudus's ``/api/auth/me`` is absent here (the emulator's default, as on live accounts
nobody has shown it on): the zone comes from the bot's user record and its location.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.account_zone import bot_time_zone, find_account_zone, fixed_offset_zone
from bot.relay.digests import DigestSender
from emulators import seed
from emulators.stack import LocalStack
from handlers.blocks.relay_messages import SlackRelayRenderer
from tests.conftest import queue_new_thread, subscribe

AUTH_ME = "/api/auth/me"


def account_zone(stack: LocalStack, configured: str | None = None) -> str:
    found = find_account_zone(configured, stack.portal, stack.settings.nexudus_username)
    return found.describe()


def test_configured_zone_wins(stack: LocalStack) -> None:
    before = len(stack.nexudus.calls())

    assert account_zone(stack, "Asia/Tokyo") == "Asia/Tokyo (from BOT_TIMEZONE)"
    assert bot_time_zone("Asia/Tokyo", stack.portal, "bot@example.com")() == ZoneInfo("Asia/Tokyo")
    assert len(stack.nexudus.calls()) == before  # Nexudus is not asked at all


def test_default_location_zone_is_found_once_without_auth_me(stack: LocalStack) -> None:
    zone = bot_time_zone(None, stack.portal, stack.settings.nexudus_username)
    before = len(stack.nexudus.calls("GET", "/api/sys/simpletimezones"))  # the directory reads it too

    assert zone() == zone() == ZoneInfo("Europe/London")  # the bot's user record: Canal Street
    assert stack.nexudus.calls("GET", AUTH_ME) == []
    assert len(stack.nexudus.calls("GET", "/api/sys/simpletimezones")) == before + 1
    assert account_zone(stack) == "Europe/London (from the default location, Canal Street)"


def test_a_user_whose_email_only_contains_the_bots_is_not_the_bot(stack: LocalStack) -> None:
    # The emulator, like a loose live filter, matches User_Email partially and lists this one first.
    stack.nexudus.add(
        "User", Id=1, Email="robot@example.com", FullName="Robot", DefaultBusinessId=seed.HARBOUR_VIEW
    )

    assert account_zone(stack) == "Europe/London (from the default location, Canal Street)"


def test_the_only_location_stands_in_for_a_missing_default(stack: LocalStack) -> None:
    stack.nexudus.remove("User", seed.BOT_USER_ID)
    stack.nexudus.remove("Business", seed.HARBOUR_VIEW)

    assert account_zone(stack) == "Europe/London (from the only location, Canal Street)"


def test_utc_when_no_location_is_the_default(stack: LocalStack) -> None:
    stack.nexudus.remove("User", seed.BOT_USER_ID)

    assert account_zone(stack) == "UTC (no default location found, so UTC)"


def test_a_zone_without_an_iana_name_falls_back_to_its_offset(stack: LocalStack) -> None:
    row = stack.nexudus.add(
        "SimpleTimeZone", Name="FLE Standard Time", NameIana=None, TimeOffset="(UTC+02:00) Helsinki, Kyiv"
    )
    stack.nexudus.update("Business", seed.CANAL_STREET, SimpleTimeZoneId=row["Id"])

    assert account_zone(stack) == (
        "Etc/GMT-2 (fixed offset (UTC+02:00) Helsinki, Kyiv of the default location, Canal Street,"
        " which has no IANA name)"
    )


@pytest.mark.parametrize(
    ("offset", "zone"),
    [
        ("+01:00", "Etc/GMT-1"),  # signed clock text
        ("-0500", "Etc/GMT+5"),  # no colon
        ("(UTC-03:00) Brasilia", "Etc/GMT+3"),  # a Windows display name
        (2, "Etc/GMT-2"),  # a number of hours
        ("0", "UTC"),
        ("+05:30", None),  # IANA has no fixed zone off the whole hour: UTC is used instead
        ("soon", None),  # unreadable
        (None, None),
    ],
)
def test_fixed_offsets(offset: str | float | None, zone: str | None) -> None:
    found = fixed_offset_zone(offset)

    assert (found.key if found else None) == zone


def test_utc_while_nexudus_cannot_say_then_asks_again(stack: LocalStack) -> None:
    zone = bot_time_zone(None, stack.portal, stack.settings.nexudus_username)
    stack.nexudus.faults.down = True

    assert zone() == ZoneInfo("UTC")
    stack.nexudus.faults.down = False
    assert zone() == ZoneInfo("Europe/London")


def test_channel_digest_comes_at_eight_in_the_default_locations_zone(relay_stack: LocalStack) -> None:
    start = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    subscription = subscribe(relay_stack.store, "CMORNING", "digest", now=start)
    queue_new_thread(relay_stack.store, subscription, "Morning", at=start)
    now = [start]
    sender = DigestSender(
        portal=relay_stack.portal,
        digests=relay_stack.store.digests,
        subscriptions=relay_stack.store.subscriptions,
        preferences=relay_stack.store.preferences,
        slack_users=relay_stack.bot.slack_users,
        renderer=SlackRelayRenderer(),
        default_time=time(8, 0),
        default_zone=bot_time_zone(None, relay_stack.portal, relay_stack.settings.nexudus_username),
        clock=lambda: now[0],
    )

    now[0] = datetime(2026, 6, 1, 6, 59, tzinfo=UTC)  # 07:59 in London (BST)
    assert sender.run() == 0
    now[0] = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 08:00 in London
    assert sender.run() == 1
    assert relay_stack.nexudus.calls("GET", AUTH_ME) == []
