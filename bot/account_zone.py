"""The bot's own time zone (channel digests): ``BOT_TIMEZONE``, else the zone of the Nexudus
account's default location, else UTC, and which of these it came from.

No public client calls ``/api/auth/me`` (reference §15), so this never does: the default
location is the bot's user record's ``DefaultBusinessId`` (else the only location), and
its zone is the location's ``SimpleTimeZoneId`` row of ``/api/sys/simpletimezones``.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.portal import NexudusClient, PortalError
from bot.portal.models import Business, SimpleTimeZone
from bot.timekeeping import is_time_zone

log = logging.getLogger(__name__)

UTC = ZoneInfo("UTC")
# "+01:00", "-03:30", "UTC+05:30", "(UTC+01:00) Amsterdam, Berlin…", or a number of hours.
_SIGNED_CLOCK = re.compile(r"([+-])\s*(\d{1,2}):?(\d{2})")
_HOURS = re.compile(r"^\s*([+-]?\d{1,2}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class AccountZone:
    zone: ZoneInfo
    source: str  # "from BOT_TIMEZONE", "from the default location, Canal Street", …

    def describe(self) -> str:
        return f"{self.zone.key} ({self.source})"


def find_account_zone(configured: str | None, portal: NexudusClient, username: str) -> AccountZone:
    """Work the zone out now; may raise ``PortalError``."""
    if configured:
        return AccountZone(ZoneInfo(configured), "from BOT_TIMEZONE")  # validated with the settings
    found = default_location(portal, username)
    if found is None:
        return AccountZone(UTC, "no default location found, so UTC")
    location, which = found
    where = f"{which}, {location.name}"
    row = _zone_row(portal, location)
    if row is None:
        return AccountZone(UTC, f"{where} names no time zone, so UTC")
    name = zone_name(row)
    if name is None:
        return AccountZone(UTC, f"{where} has a zone ({row.name}) this bot cannot read, so UTC")
    if name != row.name_iana:
        return AccountZone(
            ZoneInfo(name), f"fixed offset {row.time_offset} of {where}, which has no IANA name"
        )
    return AccountZone(ZoneInfo(name), f"from {where}")


def zone_name(row: SimpleTimeZone | None) -> str | None:
    """A ``simpletimezones`` row as an IANA name: its ``NameIana``, else its whole-hour offset."""
    if row is None:
        return None
    if row.name_iana and is_time_zone(row.name_iana):
        return row.name_iana
    fixed = fixed_offset_zone(row.time_offset)
    return fixed.key if fixed else None


def default_location(portal: NexudusClient, username: str) -> tuple[Business, str] | None:
    """The location the bot's account defaults to, else the only one; with how it was chosen."""
    locations = {b.id: b for b in portal.businesses()}
    for user in portal.users_by_email(username):  # the email is re-checked there
        if user.default_business_id in locations:
            return locations[user.default_business_id], "the default location"
    if len(locations) == 1:
        return next(iter(locations.values())), "the only location"
    return None


def _zone_row(portal: NexudusClient, location: Business) -> SimpleTimeZone | None:
    if location.simple_time_zone_id is None:
        return None
    rows = portal.simple_time_zones()
    return next((row for row in rows if row.id == location.simple_time_zone_id), None)


def fixed_offset_zone(offset: str | float | None) -> ZoneInfo | None:
    """A whole-hour offset as the IANA ``Etc/GMT…`` zone; None when it is not one.

    The digest code works in ``ZoneInfo``s, and IANA has fixed zones for whole hours
    only (with the sign inverted: ``Etc/GMT-2`` is UTC+02:00).
    """
    minutes = _offset_minutes(offset)
    if minutes is None or minutes % 60 or not -12 * 60 <= minutes <= 14 * 60:
        return None
    hours = minutes // 60
    return UTC if hours == 0 else ZoneInfo(f"Etc/GMT{-hours:+d}")


def _offset_minutes(offset: str | float | None) -> int | None:
    if offset is None:
        return None
    if isinstance(offset, int | float):
        return round(offset * 60)
    clock = _SIGNED_CLOCK.search(offset)
    if clock:
        sign = -1 if clock.group(1) == "-" else 1
        return sign * (int(clock.group(2)) * 60 + int(clock.group(3)))
    hours = _HOURS.match(offset)
    return round(float(hours.group(1)) * 60) if hours else None


def bot_time_zone(configured: str | None, portal: NexudusClient, username: str) -> Callable[[], ZoneInfo]:
    """The zone, worked out on first use and kept (it is stable); UTC while Nexudus cannot say."""
    found: list[AccountZone] = []
    lock = threading.Lock()

    def zone() -> ZoneInfo:
        with lock:
            if not found:
                try:
                    found.append(find_account_zone(configured, portal, username))
                except PortalError as error:
                    log.warning("time zone: Nexudus did not say (%s); UTC until it does", error)
                    return UTC  # asked again next time
                log.info("time zone: %s", found[0].describe())
            return found[0].zone

    return zone
