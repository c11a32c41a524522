"""Locations and groups, cached in the store and refreshed in the background.

A modal must open within Slack's 3 seconds whatever Nexudus is doing, so it reads only
this cache; two list calls refresh all of it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.account_zone import zone_name
from bot.clock import utc_now
from bot.portal import NexudusClient, PortalError
from bot.portal.models import Business
from store.directory import DirectoryRepository
from store.models import Group, Location

log = logging.getLogger(__name__)

# How old the cache may get before a form refreshes it; also how often the scheduler does.
STALE_AFTER = timedelta(minutes=15)


class Directory:
    def __init__(
        self,
        *,
        portal: NexudusClient,
        cache: DirectoryRepository,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._portal = portal
        self._cache = cache
        self._clock = clock
        self._refreshing = threading.Lock()

    def locations(self) -> list[Location]:
        return self._cache.locations()

    def location(self, business_id: int) -> Location | None:
        return self._cache.location(business_id)

    def groups(self, business_id: int) -> list[Group]:
        return self._cache.groups(business_id)

    def group(self, group_id: int) -> Group | None:
        return self._cache.group(group_id)

    def is_stale(self) -> bool:
        stamp = self._cache.refreshed_at()
        return stamp is None or self._clock() - stamp > STALE_AFTER

    def refresh(self) -> bool:
        """Reload everything from Nexudus; False (and the old cache kept) if it fails.

        One refresh runs at a time; a caller arriving meanwhile waits for it and
        shares its result instead of asking Nexudus again.
        """
        asked_at = self._clock()
        with self._refreshing:
            stamp = self._cache.refreshed_at()
            if stamp is not None and stamp >= asked_at:
                return True
            try:
                businesses = self._portal.businesses()
                groups = self._portal.groups()
            except PortalError as error:
                log.warning("directory refresh failed, keeping the cache: %s", error)
                return False
            zones = self._zone_names(businesses)
            self._cache.replace(
                [Location(id=b.id, name=b.name, time_zone=zones.get(b.id)) for b in businesses],
                [
                    Group(id=g.id, business_id=g.business_id, name=g.name, access=g.group_access)
                    for g in groups
                ],
                self._clock(),
            )
            return True

    def _zone_names(self, businesses: list[Business]) -> dict[int, str | None]:
        """Each location's IANA zone: the relay sizes its poll window by them."""
        if all(b.simple_time_zone_id is None for b in businesses):
            return {}
        try:
            rows = {row.id: row for row in self._portal.simple_time_zones()}
        except PortalError as error:
            # Unknown zones only widen the relay's window (12 hours): keep the rest.
            log.warning("location time zones unavailable: %s", error)
            return {}
        return {b.id: zone_name(rows.get(b.simple_time_zone_id or 0)) for b in businesses}

    def refresh_if_stale(self) -> None:
        if self.is_stale():
            self.refresh()
