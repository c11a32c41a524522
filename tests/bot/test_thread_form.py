"""The new-thread form's own rules, independent of Slack."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from bot.thread_form import FormField, NewThreadForm, ZoomMeeting, form_errors


def form(**fields: object) -> NewThreadForm:
    return NewThreadForm.model_validate({"business_id": 1, "subject": "s", "message": "m", **fields})


@pytest.mark.parametrize(
    ("raw", "tags"),
    [
        ("a, b ,c", ["a", "b", "c"]),  # trimmed
        ("Kitchen, kitchen ,KITCHEN", ["Kitchen"]),  # de-duplicated, first spelling kept
        (" , ,", []),  # empty pieces dropped
        ("", []),
    ],
)
def test_tags_are_trimmed_and_deduplicated(raw: str, tags: list[str]) -> None:
    assert form(tags=raw).tags == tags
    assert form(tags=raw).tags_text() == (",".join(tags) or None)


def test_subject_and_message_are_trimmed_and_required() -> None:
    with pytest.raises(ValidationError) as caught:
        form(subject="  ", message="\n")

    assert form_errors(caught.value) == {
        FormField.SUBJECT: "Give the thread a title",
        FormField.MESSAGE: "Write a message",
    }


def test_too_many_tags_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        form(tags=",".join(f"t{i}" for i in range(21)))

    assert "at most 20" in form_errors(caught.value)[FormField.TAGS]


def test_zoom_event_data_keys() -> None:
    meeting = ZoomMeeting(
        join_url=" https://zoom.us/j/1 ",
        meeting_id="1",
        passcode="p",
        start_time=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
    )

    assert json.loads(meeting.event_data()) == {
        "JoinUrl": "https://zoom.us/j/1",
        "MeetingId": "1",
        "Passcode": "p",
        "StartTime": "2026-01-02T03:04:00+00:00",
    }
