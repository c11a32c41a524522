"""The new-thread modal's state: read from a view_submission payload, validated, rebuilt.

Payloads are written in the shapes Slack sends (slack-platform.md, "view_submission"):
``state.values[block_id][action_id]`` with the element's type and its value key.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.thread_form import FormField, NewThreadForm, SlackSource, ZoomMeeting
from handlers import ids
from handlers.blocks.new_thread_modal import NO_GROUP, new_thread_modal
from handlers.forms import (
    FormInvalid,
    ModalState,
    blocks_for,
    group_block_id,
    read_view,
    state_from_form,
    to_form,
)
from store.models import Group, Location

CANAL, HARBOUR = Location(id=1400, name="Canal Street"), Location(id=1500, name="Harbour View")
PARENTS = Group(id=10, business_id=CANAL.id, name="Parents", access=2)
SAILORS = Group(id=20, business_id=HARBOUR.id, name="Sailors", access=2)
GROUPS = {CANAL.id: [PARENTS], HARBOUR.id: [SAILORS]}
STARTS = 1_795_000_000  # epoch seconds, as the datetimepicker sends
SOURCE = SlackSource(channel_id="C200", message_ts="1700000000.000100")
TOO_LONG_TAG = "x" * 51


# Element values as Slack puts them in view.state.values.
def text(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def chosen(value: str | None, kind: str = "static_select") -> dict[str, Any]:
    option = {"text": {"type": "plain_text", "text": value}, "value": value} if value else None
    return {"type": kind, "selected_option": option}


def users(*user_ids: str) -> dict[str, Any]:
    return {"type": "multi_users_select", "selected_users": list(user_ids)}


def ticked(*values: str) -> dict[str, Any]:
    options = [{"text": {"type": "plain_text", "text": v}, "value": v} for v in values]
    return {"type": "checkboxes", "selected_options": options}


def picked(epoch: int | None) -> dict[str, Any]:
    return {"type": "datetimepicker", "selected_date_time": epoch}


def payload(values: dict[str, dict[str, Any]], **metadata: Any) -> dict[str, Any]:
    """A submitted view: ``values`` by block id, under the action id the modal gives each."""
    state = {block: {ACTIONS[block.split("@")[0]]: value} for block, value in values.items()}
    return {
        "type": "modal",
        "callback_id": ids.NEW_THREAD_MODAL,
        "private_metadata": json.dumps(metadata),
        "state": {"values": state},
    }


def as_submitted(view: dict[str, Any]) -> dict[str, Any]:
    """A built modal submitted untouched: each input holds its initial value, as Slack shows it."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind = element["type"]
        if kind == "plain_text_input":
            value = text(element.get("initial_value"))
        elif kind in ("static_select", "external_select"):
            value = {"type": kind, "selected_option": element.get("initial_option")}
        elif kind == "multi_users_select":
            value = users(*element.get("initial_users", []))
        elif kind == "checkboxes":
            value = ticked(*(o["value"] for o in element.get("initial_options", [])))
        elif kind == "datetimepicker":
            value = picked(element.get("initial_date_time"))
        else:
            raise AssertionError(f"teach as_submitted the value of a {kind}")  # a new element type
        values[block["block_id"]] = {element["action_id"]: value}
    return {**view, "state": {"values": values}}


def input_blocks(view: dict[str, Any]) -> set[str]:
    return {block["block_id"] for block in view["blocks"] if block["type"] == "input"}


def modal_for(state: ModalState, locations: list[Location] | None = None) -> dict[str, Any]:
    """The modal as the app builds it for this state (groups of the chosen location)."""
    chosen_id = state.chosen_business_id()
    return new_thread_modal(state, locations or [CANAL, HARBOUR], GROUPS.get(chosen_id or 0, []))


FILLED = ModalState(
    key="draft-1",
    channel_id="C100",
    subject="Lost keys",
    message="Blue keyring, near the kitchen.",
    business_id=CANAL.id,
    group_id=PARENTS.id,
    tags="lost, kitchen",
    guest_slack_ids=["U1", "U2"],
    private=True,
    instant_delivery=True,
    share=True,
    zoom_on=True,
    zoom_join_url="https://zoom.us/j/123",
    zoom_meeting_id="123 456",
    zoom_passcode="kitchen",
    zoom_start=STARTS,
    source=SOURCE,
)
# Each input block's action id, as the modal builds them (group block ids lose their "@…").
ACTIONS = {
    block["block_id"].split("@")[0]: block["element"]["action_id"]
    for block in modal_for(FILLED)["blocks"]
    if block["type"] == "input"
}


def test_every_field_of_a_submitted_view_is_read() -> None:
    view = payload(
        {
            ids.LOCATION_BLOCK: chosen(str(CANAL.id)),
            ids.TITLE_BLOCK: text("Lost keys"),
            ids.MESSAGE_BLOCK: text("Blue keyring, near the kitchen."),
            group_block_id(CANAL.id): chosen(str(PARENTS.id)),
            ids.TAGS_BLOCK: text("lost, kitchen"),
            ids.GUESTS_BLOCK: users("U1", "U2"),
            ids.OPTIONS_BLOCK: ticked(
                ids.OPTION_PRIVATE, ids.OPTION_INSTANT, ids.OPTION_SHARE, ids.OPTION_ZOOM
            ),
            ids.ZOOM_LINK_BLOCK: text("https://zoom.us/j/123"),
            ids.ZOOM_ID_BLOCK: text("123 456"),
            ids.ZOOM_PASSCODE_BLOCK: text("kitchen"),
            ids.ZOOM_START_BLOCK: picked(STARTS),
        },
        key="draft-1",
        channel="C100",
        source=SOURCE.model_dump(),
    )

    assert read_view(view) == FILLED


@pytest.mark.parametrize(
    "values",
    [
        # what Slack sends for inputs left empty
        {
            ids.LOCATION_BLOCK: chosen(None),
            ids.TITLE_BLOCK: text(None),
            ids.MESSAGE_BLOCK: text(None),
            group_block_id(CANAL.id): chosen(None),
            ids.TAGS_BLOCK: text(None),
            ids.GUESTS_BLOCK: users(),
            ids.OPTIONS_BLOCK: ticked(),
            ids.ZOOM_LINK_BLOCK: text(None),
            ids.ZOOM_START_BLOCK: picked(None),
        },
        # optional inputs may also come with no value key at all
        {
            ids.TITLE_BLOCK: {"type": "plain_text_input"},
            ids.LOCATION_BLOCK: {"type": "external_select"},
            ids.GUESTS_BLOCK: {"type": "multi_users_select"},
            ids.OPTIONS_BLOCK: {"type": "checkboxes"},
        },
        # the group select's "No group" choice, and no blocks at all
        {group_block_id(CANAL.id): chosen(NO_GROUP)},
        {},
    ],
    ids=["nulls", "absent keys", "no group", "no blocks"],
)
def test_unset_inputs_read_as_empty(values: dict[str, dict[str, Any]]) -> None:
    assert read_view(payload(values, key="k")) == ModalState(key="k")


def test_a_view_without_metadata_has_no_key() -> None:
    view = payload({ids.TITLE_BLOCK: text("Hi")})
    del view["private_metadata"]

    assert read_view(view) == ModalState(key="", subject="Hi")


@pytest.mark.parametrize(
    ("option", "flag"),
    [
        (ids.OPTION_PRIVATE, "private"),
        (ids.OPTION_INSTANT, "instant_delivery"),
        (ids.OPTION_SHARE, "share"),
        (ids.OPTION_ZOOM, "zoom_on"),
    ],
)
def test_each_option_sets_only_its_own_flag(option: str, flag: str) -> None:
    state = read_view(payload({ids.OPTIONS_BLOCK: ticked(option)}, key="k"))

    flags = {f: getattr(state, f) for f in ("private", "instant_delivery", "share", "zoom_on")}
    assert flags == {f: f == flag for f in flags}


@pytest.mark.parametrize(
    ("values", "metadata", "business_id"),
    [
        # cold cache: the location comes from the external select
        ({ids.LOCATION_BLOCK: chosen(str(HARBOUR.id), "external_select")}, {}, HARBOUR.id),
        # the only location: no select, the id travels in the metadata
        ({}, {"biz": CANAL.id}, CANAL.id),
    ],
    ids=["external select", "only location"],
)
def test_the_location_is_read_wherever_it_is(
    values: dict[str, dict[str, Any]], metadata: dict[str, Any], business_id: int
) -> None:
    state = read_view(payload(values, key="k", **metadata))

    assert state.chosen_business_id() == business_id


def test_the_group_is_read_from_whichever_location_its_block_is_for() -> None:
    state = read_view(payload({group_block_id(HARBOUR.id): chosen(str(SAILORS.id))}, key="k"))

    assert state.group_id == SAILORS.id


def test_a_filled_form_becomes_the_domain_form() -> None:
    assert to_form(FILLED) == NewThreadForm(
        business_id=CANAL.id,
        subject="Lost keys",
        message="Blue keyring, near the kitchen.",
        group_id=PARENTS.id,
        tags=["lost", "kitchen"],
        guest_slack_ids=["U1", "U2"],
        private=True,
        instant_delivery=True,
        zoom=ZoomMeeting(
            join_url="https://zoom.us/j/123",
            meeting_id="123 456",
            passcode="kitchen",
            start_time=datetime.fromtimestamp(STARTS, UTC),
        ),
        share_channel_id="C100",
        opened_in_channel_id="C100",
        source=SOURCE,
    )


@pytest.mark.parametrize(
    ("changes", "kept"),
    [
        # unticked options drop what they carried, even when their fields are filled
        ({"share": False}, {"share_channel_id": None}),
        ({"zoom_on": False, "zoom_join_url": "not a link"}, {"zoom": None}),
        # the only location wins over a stale select value
        ({"fixed_business_id": HARBOUR.id}, {"business_id": HARBOUR.id}),
        # empty optional Zoom fields are absent, not empty strings
        (
            {"zoom_meeting_id": "", "zoom_passcode": "", "zoom_start": None},
            {"zoom": ZoomMeeting(join_url="https://zoom.us/j/123")},
        ),
    ],
    ids=["not shared", "no zoom", "only location", "bare zoom"],
)
def test_what_the_options_leave_out(changes: dict[str, Any], kept: dict[str, Any]) -> None:
    form = to_form(replace(FILLED, **changes))

    assert {name: getattr(form, name) for name in kept} == kept


# Each invalid state, and the errors the user sees, by block.
JOIN_LINK = "Enter the meeting's join link, starting with https://"
INVALID = [
    pytest.param({"subject": "   "}, {ids.TITLE_BLOCK: "Give the thread a title"}, id="blank title"),
    pytest.param(
        {"subject": "s" * 151}, {ids.TITLE_BLOCK: "Keep the title under 150 characters"}, id="long title"
    ),
    pytest.param({"message": ""}, {ids.MESSAGE_BLOCK: "Write a message"}, id="no message"),
    pytest.param({"business_id": None}, {ids.LOCATION_BLOCK: "Choose a location"}, id="no location"),
    pytest.param(
        {"tags": ",".join(f"t{i}" for i in range(21))},
        {ids.TAGS_BLOCK: "Use at most 20 tags"},
        id="too many tags",
    ),
    pytest.param(
        {"tags": f"ok, {TOO_LONG_TAG}"},
        {ids.TAGS_BLOCK: f"Tags can be at most 50 characters: {TOO_LONG_TAG[:20]}…"},
        id="long tag",
    ),
    pytest.param(
        {"guest_slack_ids": [f"U{i}" for i in range(31)]},
        {ids.GUESTS_BLOCK: "Mention at most 30 people"},
        id="too many guests",
    ),
    pytest.param({"zoom_join_url": ""}, {ids.ZOOM_LINK_BLOCK: JOIN_LINK}, id="zoom without link"),
    pytest.param(
        {"zoom_join_url": "http://zoom.us/j/1"}, {ids.ZOOM_LINK_BLOCK: JOIN_LINK}, id="zoom over http"
    ),
    pytest.param(
        {"zoom_meeting_id": "1" * 31},
        {ids.ZOOM_ID_BLOCK: "String should have at most 30 characters"},
        id="long meeting id",
    ),
    pytest.param(
        {"zoom_passcode": "p" * 33},
        {ids.ZOOM_PASSCODE_BLOCK: "String should have at most 32 characters"},
        id="long passcode",
    ),
    pytest.param(
        {"subject": "", "message": " ", "business_id": None},
        {
            ids.LOCATION_BLOCK: "Choose a location",
            ids.TITLE_BLOCK: "Give the thread a title",
            ids.MESSAGE_BLOCK: "Write a message",
        },
        id="all at once",
    ),
]


@pytest.mark.parametrize(("changes", "errors"), INVALID)
def test_invalid_input_is_an_error_on_its_block(changes: dict[str, Any], errors: dict[str, str]) -> None:
    state = replace(FILLED, **changes)
    with pytest.raises(FormInvalid) as caught:
        to_form(state)

    assert caught.value.errors == errors
    assert set(errors) <= input_blocks(modal_for(state))  # Slack shows errors under input blocks only


@pytest.mark.parametrize(
    ("form", "locations"),
    [
        # everything the form can hold
        (to_form(FILLED), [CANAL, HARBOUR]),
        # the least it can hold
        (NewThreadForm(business_id=HARBOUR.id, subject="Hi", message="There"), [CANAL, HARBOUR]),
        # the only location: no select, the choice kept in the metadata
        (to_form(replace(FILLED, share=False, zoom_on=False)), [CANAL]),
    ],
    ids=["full", "minimal", "one location"],
)
def test_a_reopened_draft_loses_nothing(form: NewThreadForm, locations: list[Location]) -> None:
    state = state_from_form(form, key="draft-1")
    view = modal_for(state, locations)

    reread = read_view(as_submitted(view))

    assert to_form(reread) == form
    assert reread.key == "draft-1"


def test_a_draft_not_shared_is_reopened_in_its_channel_with_sharing_still_offered() -> None:
    form = to_form(replace(FILLED, share=False))
    view = modal_for(state_from_form(form, key="draft-1"))

    options = next(b for b in view["blocks"] if b.get("block_id") == ids.OPTIONS_BLOCK)["element"]
    assert form.share_channel_id is None and form.opened_in_channel_id == "C100"
    share = next(o for o in options["options"] if o["value"] == ids.OPTION_SHARE)
    assert share["text"]["text"] == "Share in <#C100> after posting"  # named: she is in her DM now
    assert ids.OPTION_SHARE not in [o["value"] for o in options.get("initial_options", [])]
    assert to_form(read_view(as_submitted(view))) == form


def test_a_reopened_draft_shows_the_form_as_typed() -> None:
    state = state_from_form(to_form(FILLED), key="draft-1")

    assert read_view(as_submitted(modal_for(state))) == FILLED


@pytest.mark.parametrize(
    ("errors", "state", "shown"),
    [
        # the only location has no select: its error goes on the title
        (
            {FormField.LOCATION: "Gone"},
            ModalState(key="k", fixed_business_id=CANAL.id),
            {ids.TITLE_BLOCK: "Gone"},
        ),
        # a location's group block carries its id
        (
            {FormField.GROUP: "Closed"},
            ModalState(key="k", business_id=HARBOUR.id),
            {group_block_id(HARBOUR.id): "Closed"},
        ),
        # two places on one block: the first message is kept
        (
            {FormField.SUBJECT: "Too long", FormField.GENERAL: "Nexudus says: no"},
            ModalState(key="k", business_id=CANAL.id),
            {ids.TITLE_BLOCK: "Too long"},
        ),
    ],
    ids=["only location", "group of a location", "shared block"],
)
def test_errors_go_to_the_block_that_shows_them(
    errors: dict[FormField, str], state: ModalState, shown: dict[str, str]
) -> None:
    assert blocks_for(errors, state) == shown
    assert set(shown) <= input_blocks(modal_for(state, [CANAL] if state.fixed_business_id else None))


def test_the_group_block_is_named_after_its_location() -> None:
    at_canal = modal_for(ModalState(key="k", business_id=CANAL.id, group_id=PARENTS.id))
    at_harbour = modal_for(ModalState(key="k", business_id=HARBOUR.id, group_id=PARENTS.id))

    # Slack keeps a select's value across views.update only while its block id stays the
    # same: a new id per location makes a group of the old location drop out on a change.
    assert group_block_id(CANAL.id) in input_blocks(at_canal)
    assert group_block_id(HARBOUR.id) in input_blocks(at_harbour)
    assert group_block_id(CANAL.id) != group_block_id(HARBOUR.id)
    assert read_view(as_submitted(at_canal)).group_id == PARENTS.id
    assert read_view(as_submitted(at_harbour)).group_id is None


# Post pressed before the app's views.update for a location or Zoom change reaches Slack:
# the submitted view still has the blocks of the previous build, and errors must name those.


def submitted_with(built: ModalState, typed: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The view built for ``built``, submitted after the user changed ``typed``."""
    view = as_submitted(modal_for(built))
    values = view["state"]["values"]
    for block, value in typed.items():
        [action] = values[block]
        values[block] = {action: value}
    return view


def test_a_group_of_the_previous_location_is_an_error_on_the_group_shown() -> None:
    built = replace(FILLED, zoom_on=False)  # Canal Street, its group chosen
    view = submitted_with(built, {ids.LOCATION_BLOCK: chosen(str(HARBOUR.id))})
    state = read_view(view)

    # What the submit listener's group check reports for a group of another location.
    errors = blocks_for({FormField.GROUP: "Choose a group of this location"}, state)

    assert set(errors) <= input_blocks(view)


def test_zoom_ticked_before_its_fields_are_shown_is_an_error_the_user_sees() -> None:
    built = replace(FILLED, zoom_on=False)
    view = submitted_with(built, {ids.OPTIONS_BLOCK: ticked(ids.OPTION_ZOOM)})

    with pytest.raises(FormInvalid) as caught:
        to_form(read_view(view))

    assert set(caught.value.errors) <= input_blocks(view)
