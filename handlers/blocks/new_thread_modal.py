"""The new-thread modal: the form itself, built from what the user entered and the cache."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.portal.models import GroupAccess
from bot.thread_form import (
    MESSAGE_MAX,
    SUBJECT_MAX,
    TAGS_INPUT_MAX,
    ZOOM_ID_MAX,
    ZOOM_LINK_INPUT_MAX,
    ZOOM_PASSCODE_MAX,
)
from handlers import ids
from handlers.blocks.elements import OPTIONS_MAX, option, static_select, text_input
from handlers.blocks.text import mrkdwn, plain
from handlers.forms import ModalState, group_block_id
from store.models import Group, Location

ACCESS_NAMES = {
    GroupAccess.PUBLIC: "Public",
    GroupAccess.RESTRICTED: "Restricted",
    GroupAccess.PRIVATE: "Private",
}
NO_GROUP = "none"


def new_thread_modal(state: ModalState, locations: list[Location], groups: list[Group]) -> dict[str, Any]:
    """``groups`` are those of the chosen location; no ``locations`` means still loading."""
    if len(locations) == 1:
        state = replace(state, fixed_business_id=locations[0].id)
    blocks: list[dict[str, Any]] = []
    if state.notice:
        blocks.append({"type": "context", "elements": [mrkdwn(state.notice)]})
    if state.fixed_business_id is None:
        blocks.append(_location_block(state, locations))
    blocks.append(
        text_input(
            ids.TITLE_BLOCK,
            ids.TITLE_ACTION,
            "Title",
            state.subject,
            max_length=SUBJECT_MAX,
            placeholder="What is it about?",
        )
    )
    blocks.append(
        text_input(
            ids.MESSAGE_BLOCK,
            ids.MESSAGE_ACTION,
            "Message",
            state.message,
            max_length=MESSAGE_MAX,
            multiline=True,
        )
    )
    if state.source is not None:
        blocks.append(
            {
                "type": "context",
                "elements": [mrkdwn("A link to the original Slack message will be added to the post.")],
            }
        )
    blocks.extend(_group_blocks(state, groups))
    blocks.append(
        text_input(
            ids.TAGS_BLOCK,
            ids.TAGS_ACTION,
            "Tags",
            state.tags,
            optional=True,
            max_length=TAGS_INPUT_MAX,
            placeholder="events, kitchen, lost-and-found",
            hint="Separate tags with commas.",
        )
    )
    blocks.append(_guests_block(state))
    blocks.append(_options_block(state))
    if state.zoom_on:
        blocks.extend(_zoom_blocks(state))
    return {
        "type": "modal",
        "callback_id": ids.NEW_THREAD_MODAL,
        "title": plain("New thread"),
        "submit": plain("Post"),
        "close": plain("Cancel"),
        "private_metadata": state.metadata(),
        "blocks": blocks,
    }


def _location_block(state: ModalState, locations: list[Location]) -> dict[str, Any]:
    if not locations:
        # Cache still empty (first start, Nexudus slow): load the list when clicked.
        element: dict[str, Any] = {
            "type": "external_select",
            "action_id": ids.LOCATION_ACTION,
            "min_query_length": 0,
            "placeholder": plain("Choose a location"),
        }
    else:
        options = [option(loc.name, str(loc.id)) for loc in locations[:OPTIONS_MAX]]
        element = static_select(ids.LOCATION_ACTION, "Choose a location", options, state.business_id)
    return {
        "type": "input",
        "block_id": ids.LOCATION_BLOCK,
        "dispatch_action": True,
        "label": plain("Location"),
        "element": element,
    }


def location_options(locations: list[Location], query: str) -> list[dict[str, Any]]:
    """Options for the external location select, filtered by what the user typed."""
    wanted = query.casefold().strip()
    return [option(loc.name, str(loc.id)) for loc in locations if wanted in loc.name.casefold()][:OPTIONS_MAX]


def _group_blocks(state: ModalState, groups: list[Group]) -> list[dict[str, Any]]:
    if state.chosen_business_id() is None:
        return [{"type": "context", "elements": [mrkdwn("Choose a location to pick one of its groups.")]}]
    if not groups:
        return []
    options = [option("No group: the whole board", NO_GROUP)]
    options += [
        option(f"{g.name} ({ACCESS_NAMES.get(g.access, 'Unknown')})", str(g.id))
        for g in groups[: OPTIONS_MAX - 1]
    ]
    element = static_select(ids.GROUP_ACTION, "Whole board", options, state.group_id)
    return [
        {
            "type": "input",
            "block_id": group_block_id(state.chosen_business_id()),
            "optional": True,
            "label": plain("Group"),
            "element": element,
            "hint": plain(
                "Public: all see and post. Restricted: all see, members post. Private: members only."
            ),
        }
    ]


def _guests_block(state: ModalState) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": ids.GUESTS_ACTION,
        "placeholder": plain("Choose people"),
    }
    if state.guest_slack_ids:
        element["initial_users"] = state.guest_slack_ids
    return {
        "type": "input",
        "block_id": ids.GUESTS_BLOCK,
        "optional": True,
        "label": plain("People to mention or invite"),
        "element": element,
        "hint": plain("They are named on the thread; a private thread is visible only to them."),
    }


def _options_block(state: ModalState) -> dict[str, Any]:
    choices = [
        (option("Private: only the people mentioned can see it", ids.OPTION_PRIVATE), state.private),
        (
            option("Instant delivery: notify followers now, not in the digest", ids.OPTION_INSTANT),
            state.instant_delivery,
        ),
        (option("Include a Zoom meeting", ids.OPTION_ZOOM), state.zoom_on),
    ]
    if state.channel_id:
        # Named, not "this channel": a draft reopened from its DM is shared where it began.
        share = {"text": mrkdwn(f"Share in <#{state.channel_id}> after posting"), "value": ids.OPTION_SHARE}
        choices.append((share, state.share))
    options = [choice for choice, _ in choices]
    element: dict[str, Any] = {"type": "checkboxes", "action_id": ids.OPTIONS_ACTION, "options": options}
    initial = [choice for choice, on in choices if on]
    if initial:
        element["initial_options"] = initial
    return {
        "type": "input",
        "block_id": ids.OPTIONS_BLOCK,
        "optional": True,
        "dispatch_action": True,
        "label": plain("Options"),
        "element": element,
    }


def _zoom_blocks(state: ModalState) -> list[dict[str, Any]]:
    start: dict[str, Any] = {"type": "datetimepicker", "action_id": ids.ZOOM_START_ACTION}
    if state.zoom_start:
        start["initial_date_time"] = state.zoom_start
    return [
        text_input(
            ids.ZOOM_LINK_BLOCK,
            ids.ZOOM_LINK_ACTION,
            "Zoom join link",
            state.zoom_join_url,
            placeholder="https://zoom.us/j/…",
            max_length=ZOOM_LINK_INPUT_MAX,
        ),
        text_input(
            ids.ZOOM_ID_BLOCK,
            ids.ZOOM_ID_ACTION,
            "Meeting ID",
            state.zoom_meeting_id,
            optional=True,
            max_length=ZOOM_ID_MAX,
        ),
        text_input(
            ids.ZOOM_PASSCODE_BLOCK,
            ids.ZOOM_PASSCODE_ACTION,
            "Passcode",
            state.zoom_passcode,
            optional=True,
            max_length=ZOOM_PASSCODE_MAX,
        ),
        {
            "type": "input",
            "block_id": ids.ZOOM_START_BLOCK,
            "optional": True,
            "label": plain("Starts at"),
            "element": start,
        },
    ]
