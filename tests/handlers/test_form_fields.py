"""Every place an error can be shown has a block in the modal, and every error has a place."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.portal import PortalRejected
from bot.portal.errors import FieldError
from bot.portal.models import NewThread
from bot.refusals import PROPERTY_FIELDS, field_errors
from bot.thread_form import FORM_FIELDS, ZOOM_FIELDS, FormField, NewThreadForm, ZoomMeeting, form_errors
from handlers import ids
from handlers.blocks.new_thread_modal import new_thread_modal
from handlers.forms import ModalState, blocks_for
from store.models import Group, Location

CANAL, HARBOUR = Location(id=1, name="Canal Street"), Location(id=2, name="Harbour View")
PARENTS = Group(id=10, business_id=1, name="Parents", access=2)


def input_blocks(view: dict[str, Any]) -> set[str]:
    return {block["block_id"] for block in view["blocks"] if block["type"] == "input"}


@pytest.mark.parametrize("place", list(FormField))
@pytest.mark.parametrize(
    ("locations", "state"),
    [
        # a location select is shown
        ([CANAL, HARBOUR], ModalState(key="k", business_id=CANAL.id, zoom_on=True)),
        # one location: chosen without asking, no select
        ([CANAL], ModalState(key="k", fixed_business_id=CANAL.id, zoom_on=True)),
    ],
    ids=["several locations", "one location"],
)
def test_every_place_for_an_error_is_a_block_of_the_modal(
    place: FormField, locations: list[Location], state: ModalState
) -> None:
    view = new_thread_modal(state, locations, [PARENTS])

    [block] = blocks_for({place: "wrong"}, state)

    assert block in input_blocks(view)


def test_every_field_of_the_form_has_a_place_for_its_errors() -> None:
    # A new field of NewThreadForm fails here until it is given a place.
    assert set(FORM_FIELDS) == set(NewThreadForm.model_fields)
    assert set(ZOOM_FIELDS) == set(ZoomMeeting.model_fields)


def test_every_property_sent_to_nexudus_has_a_place_for_its_errors() -> None:
    sent = {field.alias for field in NewThread.model_fields.values()}
    assert sent <= set(PROPERTY_FIELDS)


@pytest.mark.parametrize(
    ("property_name", "place", "message"),
    [
        ("Subject", FormField.SUBJECT, "Nexudus says: is required"),  # a field the member typed
        ("CommunityGroup", FormField.GROUP, "Nexudus says: is required"),  # also named without "Id"
        ("ZoomEventData", FormField.ZOOM_JOIN_URL, "Nexudus says: is required"),  # the meeting
        ("UserId", FormField.GENERAL, "Nexudus says: UserId: is required"),  # filled in by the bot
        ("Frobnicate", FormField.GENERAL, "Nexudus says: Frobnicate: is required"),  # never sent
    ],
)
def test_nexudus_property_errors_go_to_their_place(
    property_name: str, place: FormField, message: str
) -> None:
    refused = PortalRejected("invalid", [FieldError(property_name, "is required")])

    assert field_errors(refused) == {place: message}


def test_a_refusal_naming_no_property_goes_on_top() -> None:
    assert field_errors(PortalRejected("Thread is locked", [])) == {
        FormField.GENERAL: "Nexudus says: Thread is locked"
    }


@pytest.mark.parametrize(
    ("raw", "place"),
    [
        ({"subject": ""}, FormField.SUBJECT),  # a field of its own
        ({"zoom": {"join_url": "https://zoom.us/j/1", "passcode": "p" * 99}}, FormField.ZOOM_PASSCODE),
        ({"zoom": {}}, FormField.ZOOM_JOIN_URL),  # the meeting without its link
        ({"private": "perhaps"}, FormField.GENERAL),  # a forged payload: no field of its own
        ({"source": {"channel_id": "C1"}}, FormField.GENERAL),
    ],
)
def test_validation_errors_name_their_place(raw: dict[str, Any], place: FormField) -> None:
    with pytest.raises(ValidationError) as caught:
        NewThreadForm.model_validate({"business_id": 1, "subject": "s", "message": "m", **raw})

    assert list(form_errors(caught.value)) == [place]


def test_errors_with_no_field_of_their_own_show_on_the_title() -> None:
    state = ModalState(key="k", business_id=CANAL.id)

    assert blocks_for({FormField.GENERAL: "Nexudus says: UserId: bad"}, state) == {
        ids.TITLE_BLOCK: "Nexudus says: UserId: bad"
    }
