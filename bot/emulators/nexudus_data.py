"""The records of the Nexudus emulator and the list semantics of the real API.

Filters follow reference §4: ``{Entity}_{Property}`` (foreign keys without ``Id``),
``from_``/``to_`` ranges at minute precision, pages of the ``Records`` envelope.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

# URL path → entity name used in filter keys.
ENTITIES = {
    "/api/sys/businesses": "Business",
    "/api/community/communitygroups": "CommunityGroup",
    "/api/spaces/coworkers": "Coworker",
    "/api/sys/users": "User",
    "/api/community/communitythreads": "CommunityThread",
    "/api/community/communitymessages": "CommunityMessage",
    "/api/community/communitythreadfollows": "CommunityThreadFollow",
    "/api/community/communitythreadmutes": "CommunityThreadMute",
}

# Fields a list row leaves out (reference §1): only a single GET shows them.
DETAIL_ONLY: dict[str, tuple[str, ...]] = {"CommunityThread": ("Guests",), "CommunityGroup": ("Members",)}


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def matches(entity: str, record: dict[str, Any], query: dict[str, str]) -> bool:
    for key, wanted in query.items():
        if key.startswith(("from_", "to_")):
            if not _in_range(entity, record, key, wanted):
                return False
        elif key.startswith(f"{entity}_"):
            name = key[len(entity) + 1 :]
            value = record.get(name, record.get(f"{name}Id"))
            if str(value).casefold() != wanted.casefold():
                return False
    return True


def _in_range(entity: str, record: dict[str, Any], key: str, wanted: str) -> bool:
    side, _, rest = key.partition("_")
    if not rest.startswith(f"{entity}_"):
        return True
    value = record.get(rest[len(entity) + 1 :])
    if value is None:
        return False
    minute = str(value)[:16]  # compare at the API's minute precision
    return minute >= wanted[:16] if side == "from" else minute <= wanted[:16]


def page_of(
    entity: str,
    records: list[dict[str, Any]],
    query: dict[str, str],
    detail_only: dict[str, tuple[str, ...]] = DETAIL_ONLY,
) -> dict[str, Any]:
    found = [r for r in records if matches(entity, r, query)]
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


def write_result(entity: str, record_id: int | None, now: datetime) -> dict[str, Any]:
    return {
        "Status": 200,
        "Message": f"{entity} was successfully created.",
        "Value": {"Id": record_id},
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
