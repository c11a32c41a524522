"""The Nexudus emulator's clocks: each location's time zone and how a record's stamps read
(UTC, or the location's wall clock behind a ``Z`` when ``live.local_times`` is on).
Mixed into ``FakeNexudus`` (emulators/nexudus.py)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from emulators.nexudus_data import stamp
from emulators.nexudus_live import LiveAccount

# Board records whose timestamps follow their location's clock when ``local_times`` is on.
BOARD = ("CommunityThread", "CommunityMessage", "CommunityThreadFollow", "CommunityThreadMute")


class NexudusZones:
    # Set by FakeNexudus.
    live: LiveAccount
    records: dict[str, list[dict[str, Any]]]
    _lock: threading.RLock

    def find(self, entity: str, record_id: Any) -> dict[str, Any] | None:
        raise NotImplementedError

    def add(self, entity: str, **fields: Any) -> dict[str, Any]:
        raise NotImplementedError

    def set_zone(self, business_id: int, zone: str) -> None:
        """Put a location in an IANA time zone (its ``SimpleTimeZoneId`` record)."""
        with self._lock:
            found = next((z for z in self.records["SimpleTimeZone"] if z.get("NameIana") == zone), None)
            if found is None:
                found = self.add("SimpleTimeZone", Name=zone, NameIana=zone, TimeOffset=None)
            business = self.find("Business", business_id)
            assert business is not None, f"no location {business_id}"
            business["SimpleTimeZoneId"] = found["Id"]

    def now_text(self, entity: str, record: dict[str, Any]) -> str:
        """This moment as Nexudus would write it on ``record``."""
        zone = self.location_zone(self._business_of(entity, record)) if entity in BOARD else None
        local = zone if self.live.local_times else None
        return stamp(datetime.now(UTC), precise=self.live.precise_timestamps, zone=local)

    def location_zone(self, business_id: int | None) -> ZoneInfo | None:
        business = self.find("Business", business_id)
        zone = self.find("SimpleTimeZone", business.get("SimpleTimeZoneId")) if business else None
        return ZoneInfo(zone["NameIana"]) if zone and zone.get("NameIana") else None

    def _business_of(self, entity: str, record: dict[str, Any]) -> int | None:
        if entity == "CommunityThread":
            return record.get("BusinessId")
        thread = self.find("CommunityThread", record.get("CommunityThreadId", record.get("ThreadId")))
        return thread.get("BusinessId") if thread else None
