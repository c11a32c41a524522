"""Nexudus records as the client returns them (PascalCase on the wire, snake_case here)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_pascal


class PortalModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_pascal, populate_by_name=True, extra="ignore", frozen=True)


class Business(PortalModel):
    id: int
    name: str
    simple_time_zone_id: int | None = None


class SimpleTimeZone(PortalModel):
    """A row of ``/api/sys/simpletimezones``; ``NameIana`` is inferred from ``/api/auth/me``."""

    id: int
    name: str | None = None  # the Windows name
    name_iana: str | None = None
    time_offset: str | float | None = None  # format unconfirmed: read it generously
    uses_summer_time: bool | None = None


class GroupAccess:
    """``eCommunityThreadVisibility`` (reference §7)."""

    RESTRICTED = 1
    PUBLIC = 2
    PRIVATE = 3


class CommunityGroup(PortalModel):
    id: int
    business_id: int
    name: str
    group_access: int
    members: list[int] = Field(default_factory=list)  # coworker ids; get-by-id only


class Coworker(PortalModel):
    id: int
    user_id: int | None = None
    email: str | None = None
    full_name: str | None = None
    active: bool = True
    is_default_profile: bool = False
    invoicing_business_id: int | None = None


class PortalUser(PortalModel):
    id: int
    email: str | None = None
    full_name: str | None = None
    active: bool = True
    default_business_id: int | None = None


class NewThread(PortalModel):
    """The create body of a CommunityThread (reference §5.1)."""

    business_id: int
    user_id: int
    coworker_id: int | None = None
    community_group_id: int | None = None
    subject: str
    message: str
    tags: str | None = None
    instant_delivery: bool = False
    private: bool = False
    guests: list[int] = Field(default_factory=list)
    include_zoom_invite: bool = False
    zoom_event_data: str | None = None
    system_id: str | None = None


class ThreadSummary(PortalModel):
    id: int
    business_id: int | None = None
    user_id: int | None = None
    subject: str | None = None
    message: str | None = None
    system_id: str | None = None
    created_on: datetime | None = None


class Thread(PortalModel):
    """A CommunityThread as read back (list rows leave ``Guests`` out)."""

    id: int
    business_id: int
    user_id: int | None = None
    coworker_id: int | None = None
    community_group_id: int | None = None
    subject: str = ""
    message: str = ""
    tags: str | None = None
    private: bool = False
    instant_delivery: bool = False
    created_on: str | None = None  # Nexudus's own text, compared only with itself
    updated_on: str | None = None
    last_message_date: str | None = None  # the latest reply's stamp (reference §5.1)

    def tag_list(self) -> list[str]:
        return [t.strip() for t in (self.tags or "").split(",") if t.strip()]


class Reply(PortalModel):
    """A CommunityMessage: a reply on a thread."""

    id: int
    community_thread_id: int
    user_id: int | None = None
    coworker_id: int | None = None
    message: str = ""
    created_on: str | None = None


class NewReply(PortalModel):
    """The create body of a CommunityMessage (reference §6); with ``id`` set, an update body."""

    id: int | None = None
    community_thread_id: int
    user_id: int
    coworker_id: int | None = None
    message: str


class ThreadFollow(PortalModel):
    id: int
    thread_id: int
    user_id: int
    created_on: str | None = None


class ThreadMute(PortalModel):
    id: int
    thread_id: int
    user_id: int


class WebhookAction:
    """``eWebhookAction`` values the bot registers (reference §9)."""

    NEW_THREAD = 39  # CommunityBoardNewThread
    NEW_REPLY = 40  # CommunityBoardNewReply


class Webhook(PortalModel):
    """A row of ``/api/sys/webhooks``; ``LastTrigger``, ``LastError`` and ``ErrorCount`` are
    Nexudus's own record of its deliveries."""

    id: int = 0
    business_id: int
    name: str
    action: int
    url: str = Field(alias="URL")  # not "Url", as the alias generator would write it
    description: str | None = None
    active: bool = True
    last_trigger: str | None = None
    last_error: str | None = None
    error_count: int = 0
