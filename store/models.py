"""Records the store hands out and takes in; times are aware datetimes, kept as UTC text."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class PortalSession(Record):
    client_id: str
    access_token: str
    refresh_token: str
    expires_at: datetime


IdentityState = Literal["linked", "missing"]
IdentitySource = Literal["email", "manual"]


class Identity(Record):
    """What we know of one Slack user's portal account, positive or negative."""

    slack_user_id: str
    state: IdentityState
    source: IdentitySource
    portal_user_id: int | None = None
    coworker_id: int | None = None
    full_name: str | None = None
    email: str | None = None
    home_business_id: int | None = None
    checked_at: datetime
    expires_at: datetime | None = None
    linked_by: str | None = None  # manual links: the admin's Slack user id
    linked_at: datetime | None = None  # manual links: when
    other_user_ids: tuple[int, ...] = ()  # other portal users the email also matched
    reason: str | None = None  # why this result, when it needs saying: the pick among several, or why none

    def is_fresh(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


class Location(Record):
    id: int
    name: str
    time_zone: str | None = None


class Group(Record):
    id: int
    business_id: int
    name: str
    access: int


DraftState = Literal["pending", "posting", "deferred", "posted", "failed"]


class Draft(Record):
    """A submission kept until Nexudus has it: the user's input is never lost."""

    key: str
    slack_user_id: str
    form: dict[str, Any]
    state: DraftState
    thread_id: int | None = None
    attempts: int = 0
    ambiguous: bool = False
    last_error: str | None = None
    created_at: datetime
    updated_at: datetime
    next_attempt_at: datetime | None = None
    notice_channel: str | None = None
    notice_ts: str | None = None


def to_text(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat()


def from_text(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text)
