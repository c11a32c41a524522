"""Replies (CommunityMessage) written through the API, as a live account answers them.

An empty message is a 400 with ``Errors``; a body naming a deleted thread, user or profile
is a 401 "Access Denied." (reference §15); an update names the reply by ``Id`` and is
allowed to its author or to an admin (the signed-in account, ``FakeNexudus.me``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from emulators.http import Reply
from emulators.nexudus_data import validation_failure, write_result

if TYPE_CHECKING:
    from emulators.nexudus import FakeNexudus

ENTITY = "CommunityMessage"


def refuse_create(portal: FakeNexudus, body: dict[str, Any]) -> Reply | None:
    """The refusal a reply create gets before the generic create rules, if any."""
    if not str(body.get("Message") or "").strip():
        return Reply(400, validation_failure([("Message", "is a required field")]))
    if portal.faults.reject_replies:
        return Reply(400, validation_failure(portal.faults.reject_replies))
    return None


def update(portal: FakeNexudus, body: dict[str, Any]) -> Reply:
    required = ("Id", "CommunityThreadId", "UserId")
    missing = [(name, "is a required field") for name in required if body.get(name) in (None, "")]
    if missing:
        return Reply(400, validation_failure(missing))
    refused = refuse_create(portal, body)
    if refused is not None:
        return refused
    record = portal.find(ENTITY, body["Id"])
    if record is None:
        return Reply(401, {"Message": "Not found"})
    if portal.names_a_missing_record(ENTITY, body) or not _may_edit(portal, record):
        return Reply(401, {"Message": "Access Denied."})
    fields = {k: v for k, v in body.items() if k not in ("Id", "CreatedOn", "UpdatedOn")}
    changed = portal.update(ENTITY, record["Id"], **fields)
    result = write_result(
        ENTITY, {k: v for k, v in changed.items() if not k.startswith("_")}, datetime.now(UTC)
    )
    return Reply(200, {**result, "Message": f"{ENTITY} was successfully updated."})


def _may_edit(portal: FakeNexudus, record: dict[str, Any]) -> bool:
    return bool(portal.me.get("IsAdmin")) or portal.me.get("Id") == record.get("UserId")
