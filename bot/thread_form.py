"""What a member asks to post: the new-thread form as a validated domain model.

Limits are ours (Nexudus documents none): the modal enforces the same numbers, and
the server checks again because a payload can carry anything.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SUBJECT_MAX = 150
MESSAGE_MAX = 3000  # also Slack's plain_text_input ceiling
TAG_MAX = 50
TAGS_MAX = 20
GUESTS_MAX = 30
ZOOM_ID_MAX = 30
ZOOM_PASSCODE_MAX = 32
# Ceilings of the modal's boxes alone: the server holds the parsed tags to TAGS_MAX and
# TAG_MAX, and a join link to being an https address.
TAGS_INPUT_MAX = 500
ZOOM_LINK_INPUT_MAX = 500


class ZoomMeeting(BaseModel):
    model_config = ConfigDict(frozen=True)

    join_url: str
    meeting_id: str | None = Field(default=None, max_length=ZOOM_ID_MAX)
    passcode: str | None = Field(default=None, max_length=ZOOM_PASSCODE_MAX)
    start_time: datetime | None = None

    @field_validator("join_url")
    @classmethod
    def _https_link(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme != "https" or not parts.netloc or " " in value.strip():
            raise ValueError("Enter the meeting's join link, starting with https://")
        return value.strip()

    def event_data(self) -> str:
        """``ZoomEventData`` JSON; the keys are documented in the README."""
        start = self.start_time.astimezone(UTC).isoformat() if self.start_time else None
        return json.dumps(
            {
                "JoinUrl": self.join_url,
                "MeetingId": self.meeting_id,
                "Passcode": self.passcode,
                "StartTime": start,
            }
        )


class SlackSource(BaseModel):
    """The Slack message a thread was made from (message shortcut)."""

    model_config = ConfigDict(frozen=True)

    channel_id: str
    message_ts: str


class NewThreadForm(BaseModel):
    model_config = ConfigDict(frozen=True)

    business_id: int
    subject: str = Field(min_length=1, max_length=SUBJECT_MAX)
    message: str = Field(min_length=1, max_length=MESSAGE_MAX)
    group_id: int | None = None
    tags: list[str] = Field(default_factory=list)
    guest_slack_ids: list[str] = Field(default_factory=list, max_length=GUESTS_MAX)
    private: bool = False
    instant_delivery: bool = False
    zoom: ZoomMeeting | None = None
    share_channel_id: str | None = None
    # Where the form was opened, so a draft reopened later offers sharing there again.
    opened_in_channel_id: str | None = None
    source: SlackSource | None = None

    @field_validator("subject", "message", mode="before")
    @classmethod
    def _stripped(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("tags", mode="before")
    @classmethod
    def _split_tags(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list):
            return value
        unique: dict[str, str] = {}
        for tag in (str(t).strip() for t in value):
            if tag and tag.casefold() not in unique:
                unique[tag.casefold()] = tag
        return list(unique.values())

    @field_validator("tags")
    @classmethod
    def _tag_limits(cls, tags: list[str]) -> list[str]:
        if len(tags) > TAGS_MAX:
            raise ValueError(f"Use at most {TAGS_MAX} tags")
        too_long = [t for t in tags if len(t) > TAG_MAX]
        if too_long:
            raise ValueError(f"Tags can be at most {TAG_MAX} characters: {too_long[0][:20]}…")
        return tags

    def tags_text(self) -> str | None:
        return ",".join(self.tags) or None


class FormField(StrEnum):
    """Where in the form an error is shown: each has a block in the modal (``handlers.forms``)."""

    LOCATION = "business_id"
    SUBJECT = "subject"
    MESSAGE = "message"
    GROUP = "group_id"
    TAGS = "tags"
    GUESTS = "guest_slack_ids"
    ZOOM_JOIN_URL = "zoom_join_url"
    ZOOM_MEETING_ID = "zoom_meeting_id"
    ZOOM_PASSCODE = "zoom_passcode"
    ZOOM_START_TIME = "zoom_start_time"
    # Not one field's fault (Nexudus naming a property the member did not type, a forged
    # payload): shown above the fields.
    GENERAL = "general"


# NewThreadForm's fields → where their errors show (tests check every field is here).
# Options, the channels and the source come from checkboxes and metadata we wrote:
# only a forged payload makes them wrong, so they have no place of their own.
FORM_FIELDS = {
    "business_id": FormField.LOCATION,
    "subject": FormField.SUBJECT,
    "message": FormField.MESSAGE,
    "group_id": FormField.GROUP,
    "tags": FormField.TAGS,
    "guest_slack_ids": FormField.GUESTS,
    "zoom": FormField.ZOOM_JOIN_URL,  # the meeting as a whole: its link is what is missing
    "private": FormField.GENERAL,
    "instant_delivery": FormField.GENERAL,
    "share_channel_id": FormField.GENERAL,
    "opened_in_channel_id": FormField.GENERAL,
    "source": FormField.GENERAL,
}
ZOOM_FIELDS = {
    "join_url": FormField.ZOOM_JOIN_URL,
    "meeting_id": FormField.ZOOM_MEETING_ID,
    "passcode": FormField.ZOOM_PASSCODE,
    "start_time": FormField.ZOOM_START_TIME,
}

_FRIENDLY = {
    ("business_id", "missing"): "Choose a location",
    ("business_id", "int_type"): "Choose a location",
    ("subject", "missing"): "Give the thread a title",
    ("subject", "string_too_short"): "Give the thread a title",
    ("subject", "string_too_long"): f"Keep the title under {SUBJECT_MAX} characters",
    ("message", "missing"): "Write a message",
    ("message", "string_too_short"): "Write a message",
    ("message", "string_too_long"): f"Keep the message under {MESSAGE_MAX} characters",
    ("guest_slack_ids", "too_long"): f"Mention at most {GUESTS_MAX} people",
    ("zoom", "missing"): "Enter the meeting's join link, starting with https://",
}


def form_errors(error: ValidationError) -> dict[FormField, str]:
    """One readable message per form field (``zoom.join_url`` → ``ZOOM_JOIN_URL``)."""
    found: dict[FormField, str] = {}
    for item in error.errors():
        top = str(item["loc"][0]) if item["loc"] else ""
        message = _FRIENDLY.get((top, item["type"])) or str(item["msg"]).removeprefix("Value error, ")
        found.setdefault(_field_at(item["loc"]), message)
    return found


def _field_at(loc: tuple[int | str, ...]) -> FormField:
    if not loc:
        return FormField.GENERAL  # a check of the whole form
    if loc[0] == "zoom" and len(loc) > 1:
        return ZOOM_FIELDS[str(loc[1])]
    return FORM_FIELDS[str(loc[0])]
