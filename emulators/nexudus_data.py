"""The records of the Nexudus emulator and the list semantics of the real API.

Filters follow reference §4: ``{Entity}_{Property}`` (foreign keys without ``Id``),
``from_``/``to_`` ranges at minute precision compared with the stored text, pages of the
``Records`` envelope. Live accounts ignore a filter they do not know (§15): only the
documented names below filter; with ``ignore_unknown`` off, any field name does.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

# URL path → entity name used in filter keys.
ENTITIES = {
    "/api/sys/businesses": "Business",
    "/api/sys/simpletimezones": "SimpleTimeZone",
    "/api/community/communitygroups": "CommunityGroup",
    "/api/spaces/coworkers": "Coworker",
    "/api/sys/users": "User",
    "/api/community/communitythreads": "CommunityThread",
    "/api/community/communitymessages": "CommunityMessage",
    "/api/community/communitythreadfollows": "CommunityThreadFollow",
    "/api/community/communitythreadmutes": "CommunityThreadMute",
}

# Documented equality filters per entity (reference §5.3, §6, §7, §8, §11, §12), plus Id.
KNOWN_FILTERS: dict[str, frozenset[str]] = {
    entity: frozenset({"Id", "UniqueId", *names})
    for entity, names in {
        "Business": ("Name",),
        "SimpleTimeZone": ("Name",),
        "CommunityGroup": ("Business", "User", "Name", "Description", "GroupAccess"),
        "Coworker": ("Email", "User", "FullName", "Active"),
        "User": ("Email", "FullName", "Active"),
        "CommunityThread": (
            "Business",
            "CommunityGroup",
            "User",
            "Coworker",
            "Subject",
            "Message",
            "Tags",
            "InstantDelivery",
            "Private",
            "IncludeZoomInvite",
            "SystemId",
        ),
        "CommunityMessage": ("CommunityThread", "User", "Coworker", "Message"),
        "CommunityThreadFollow": ("Thread", "User"),
        "CommunityThreadMute": ("Thread", "User"),
    }.items()
}
KNOWN_RANGES = frozenset({"CreatedOn", "UpdatedOn"})

# Fields a list row leaves out (reference §1): only a single GET shows them.
DETAIL_ONLY: dict[str, tuple[str, ...]] = {"CommunityThread": ("Guests",), "CommunityGroup": ("Members",)}


def stamp(moment: datetime, *, precise: bool = False, zone: ZoneInfo | None = None) -> str:
    """Nexudus's timestamp text: UTC, or ``zone``'s wall clock, always ending in ``Z``."""
    wall = moment.astimezone(zone or UTC)
    text = wall.strftime("%Y-%m-%dT%H:%M:%S")
    if precise:
        # Python keeps six fractional digits; live accounts show seven (.NET ticks).
        text += f".{wall.microsecond:06d}{random.randint(0, 9)}"
    return text + "Z"


def matches(entity: str, record: dict[str, Any], query: dict[str, str], *, ignore_unknown: bool) -> bool:
    for key, wanted in query.items():
        if key.startswith(("from_", "to_")):
            if not _in_range(entity, record, key, wanted, ignore_unknown):
                return False
        elif key.startswith(f"{entity}_") or key in ("Id", "UniqueId"):
            name = key.removeprefix(f"{entity}_")
            if ignore_unknown and name not in KNOWN_FILTERS.get(entity, ()):
                continue
            if not _equal(record.get(name, record.get(f"{name}Id")), wanted):
                return False
    return True


def _equal(value: Any, wanted: str) -> bool:
    if isinstance(value, str) and not isinstance(value, bool):
        # Exact or partial matching is undocumented (§4): the looser reading, as a test of re-checks.
        return wanted.casefold() in value.casefold()
    return str(value).casefold() == wanted.casefold()


def _in_range(entity: str, record: dict[str, Any], key: str, wanted: str, ignore_unknown: bool) -> bool:
    side, _, rest = key.partition("_")
    if not rest.startswith(f"{entity}_"):
        return True
    name = rest[len(entity) + 1 :]
    if ignore_unknown and name not in KNOWN_RANGES:
        return True
    value = record.get(name)
    if value is None:
        return False
    minute = str(value)[:16]  # compare the stored text at the API's minute precision
    return minute >= wanted[:16] if side == "from" else minute <= wanted[:16]


def page_of(
    entity: str,
    records: list[dict[str, Any]],
    query: dict[str, str],
    detail_only: dict[str, tuple[str, ...]] = DETAIL_ONLY,
    *,
    ignore_unknown: bool = True,
) -> dict[str, Any]:
    found = [r for r in records if matches(entity, r, query, ignore_unknown=ignore_unknown)]
    order = query.get("orderBy", "Id")
    found.sort(key=lambda r: (r.get(order) is None, r.get(order)))
    size = max(1, min(int(query.get("size", 25)), 1000))
    page = max(1, int(query.get("page", 1)))
    pages = max(1, math.ceil(len(found) / size))
    rows = [
        {k: v for k, v in r.items() if k not in detail_only.get(entity, ()) and not k.startswith("_")}
        for r in found[(page - 1) * size : page * size]
    ]
    return {
        "Records": rows,
        "CurrentPage": page,
        "CurrentPageSize": size,
        "CurrentOrderField": order,
        "CurrentSortDirection": 1,
        "FirstItem": (page - 1) * size + 1,
        "LastItem": (page - 1) * size + len(rows),
        "TotalItems": len(found),
        "TotalPages": pages,
        "HasNextPage": page < pages,
        "HasPreviousPage": page > 1,
    }


def write_result(entity: str, value: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A successful write; live accounts put the whole record in ``Value`` (§15)."""
    return {
        "Status": 200,
        "Message": f"{entity} was successfully created.",
        "Value": value,
        "WasSuccessful": True,
        "Errors": None,
        "OpenInDialog": False,
        "OpenInWindow": False,
        "RedirectURL": None,
        "JavaScript": None,
        "UpdatedOn": stamp(now),
        "UpdatedBy": "bot@example.com",
    }


def validation_failure(errors: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "Message": "; ".join(f"{name}: {message}" for name, message in errors),
        "Value": None,
        "WasSuccessful": False,
        "Errors": [
            {"AttemptedValue": None, "Message": message, "PropertyName": name} for name, message in errors
        ],
    }


REQUIRED_ON_CREATE = {
    "CommunityThread": ("BusinessId", "UserId", "Subject", "Message"),
    "CommunityMessage": ("CommunityThreadId", "UserId"),
    "CommunityThreadFollow": ("ThreadId", "UserId"),
    "CommunityThreadMute": ("ThreadId", "UserId"),
}


# Fields of a create body that name other records: a deleted one makes live accounts answer 401.
REFERENCES = {
    "CommunityThread": (("UserId", "User"), ("CoworkerId", "Coworker"), ("Guests", "User")),
    "CommunityMessage": (
        ("CommunityThreadId", "CommunityThread"),
        ("UserId", "User"),
        ("CoworkerId", "Coworker"),
    ),
    "CommunityThreadFollow": (("ThreadId", "CommunityThread"), ("UserId", "User")),
    "CommunityThreadMute": (("ThreadId", "CommunityThread"), ("UserId", "User")),
}
