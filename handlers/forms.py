"""The new-thread modal's state, read once from a view payload into ``ModalState``.

``ModalState`` is what the user has entered so far; ``to_form`` validates it into the
domain's ``NewThreadForm`` or raises ``FormInvalid`` with ``{block_id: message}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from bot.thread_form import FormField, NewThreadForm, SlackSource, form_errors
from handlers import ids

# The block that shows each place's errors (tests check every FormField is here, in the modal).
FIELD_BLOCKS = {
    FormField.LOCATION: ids.LOCATION_BLOCK,
    FormField.SUBJECT: ids.TITLE_BLOCK,
    FormField.MESSAGE: ids.MESSAGE_BLOCK,
    FormField.GROUP: ids.GROUP_BLOCK,
    FormField.TAGS: ids.TAGS_BLOCK,
    FormField.GUESTS: ids.GUESTS_BLOCK,
    FormField.ZOOM_JOIN_URL: ids.ZOOM_LINK_BLOCK,
    FormField.ZOOM_MEETING_ID: ids.ZOOM_ID_BLOCK,
    FormField.ZOOM_PASSCODE: ids.ZOOM_PASSCODE_BLOCK,
    FormField.ZOOM_START_TIME: ids.ZOOM_START_BLOCK,
    # Slack shows errors only under an input block: the title is the first one every form
    # has (the location select is left out when there is one location).
    FormField.GENERAL: ids.TITLE_BLOCK,
}


class FormInvalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class ModalState:
    key: str
    channel_id: str | None = None
    subject: str = ""
    message: str = ""
    business_id: int | None = None
    group_id: int | None = None
    tags: str = ""
    guest_slack_ids: list[str] = field(default_factory=list)
    private: bool = False
    instant_delivery: bool = False
    share: bool = False
    zoom_on: bool = False
    zoom_join_url: str = ""
    zoom_meeting_id: str = ""
    zoom_passcode: str = ""
    zoom_start: int | None = None  # epoch seconds, as the datetimepicker gives
    source: SlackSource | None = None
    fixed_business_id: int | None = None  # the only location: no select shown
    notice: str | None = None
    # The input blocks of the view as submitted (None when not read from a view). Post may be
    # pressed before the app's views.update for a location or Zoom change lands: errors must
    # name blocks this view has, or Slack shows none of them.
    shown_blocks: frozenset[str] | None = field(default=None, compare=False)

    def metadata(self) -> str:
        meta: dict[str, Any] = {"key": self.key, "channel": self.channel_id}
        if self.source:
            meta["source"] = self.source.model_dump()
        if self.fixed_business_id:
            meta["biz"] = self.fixed_business_id
        return json.dumps(meta)

    def chosen_business_id(self) -> int | None:
        return self.fixed_business_id or self.business_id

    def with_notice(self, notice: str | None) -> ModalState:
        return replace(self, notice=notice)


def read_view(view: dict[str, Any]) -> ModalState:
    meta = json.loads(view.get("private_metadata") or "{}")
    values: dict[str, dict[str, Any]] = view.get("state", {}).get("values", {})

    def element(block_prefix: str) -> dict[str, Any]:
        for block_id, actions in values.items():
            if block_id == block_prefix or block_id.startswith(block_prefix + "@"):
                return next(iter(actions.values()), {})
        return {}

    options = {o["value"] for o in element(ids.OPTIONS_BLOCK).get("selected_options") or []}
    source = meta.get("source")
    return ModalState(
        key=str(meta.get("key", "")),
        channel_id=meta.get("channel"),
        subject=element(ids.TITLE_BLOCK).get("value") or "",
        message=element(ids.MESSAGE_BLOCK).get("value") or "",
        business_id=_selected_int(element(ids.LOCATION_BLOCK)),
        group_id=_selected_int(element(ids.GROUP_BLOCK)),
        tags=element(ids.TAGS_BLOCK).get("value") or "",
        guest_slack_ids=list(element(ids.GUESTS_BLOCK).get("selected_users") or []),
        private=ids.OPTION_PRIVATE in options,
        instant_delivery=ids.OPTION_INSTANT in options,
        share=ids.OPTION_SHARE in options,
        zoom_on=ids.OPTION_ZOOM in options,
        zoom_join_url=element(ids.ZOOM_LINK_BLOCK).get("value") or "",
        zoom_meeting_id=element(ids.ZOOM_ID_BLOCK).get("value") or "",
        zoom_passcode=element(ids.ZOOM_PASSCODE_BLOCK).get("value") or "",
        zoom_start=element(ids.ZOOM_START_BLOCK).get("selected_date_time"),
        source=SlackSource.model_validate(source) if source else None,
        fixed_business_id=meta.get("biz"),
        shown_blocks=_input_blocks(view, values),
    )


def to_form(state: ModalState) -> NewThreadForm:
    """Validate; errors name the blocks that exist in this modal."""
    zoom = None
    if state.zoom_on:
        start = datetime.fromtimestamp(state.zoom_start, UTC) if state.zoom_start else None
        zoom = {
            "join_url": state.zoom_join_url,
            "meeting_id": state.zoom_meeting_id or None,
            "passcode": state.zoom_passcode or None,
            "start_time": start,
        }
    raw = {
        "business_id": state.chosen_business_id(),
        "subject": state.subject,
        "message": state.message,
        "group_id": state.group_id,
        "tags": state.tags,
        "guest_slack_ids": state.guest_slack_ids,
        "private": state.private,
        "instant_delivery": state.instant_delivery,
        "zoom": zoom,
        "share_channel_id": state.channel_id if state.share else None,
        "opened_in_channel_id": state.channel_id,
        "source": state.source,
    }
    try:
        return NewThreadForm.model_validate(raw)
    except ValidationError as error:
        raise FormInvalid(blocks_for(form_errors(error), state)) from error


def blocks_for(field_errors: Mapping[FormField, str], state: ModalState) -> dict[str, str]:
    """Errors keyed by the id of the block that shows them in this modal."""
    errors: dict[str, str] = {}
    for place, message in field_errors.items():
        block = FIELD_BLOCKS[place]
        if block == ids.LOCATION_BLOCK and state.fixed_business_id:
            block = ids.TITLE_BLOCK
        if block == ids.GROUP_BLOCK:
            block = group_block_id(state.chosen_business_id())
        if state.shown_blocks is not None and block not in state.shown_blocks:
            block = ids.TITLE_BLOCK  # every build of the modal shows the title
        errors.setdefault(block, message)
    return errors


def state_from_form(form: NewThreadForm, *, key: str) -> ModalState:
    """Reopen a draft exactly as the user left it, in the channel it was started in."""
    zoom = form.zoom
    return ModalState(
        key=key,
        channel_id=form.share_channel_id or form.opened_in_channel_id,
        subject=form.subject,
        message=form.message,
        business_id=form.business_id,
        group_id=form.group_id,
        tags=", ".join(form.tags),
        guest_slack_ids=list(form.guest_slack_ids),
        private=form.private,
        instant_delivery=form.instant_delivery,
        share=form.share_channel_id is not None,
        zoom_on=zoom is not None,
        zoom_join_url=zoom.join_url if zoom else "",
        zoom_meeting_id=(zoom.meeting_id or "") if zoom else "",
        zoom_passcode=(zoom.passcode or "") if zoom else "",
        zoom_start=int(zoom.start_time.timestamp()) if zoom and zoom.start_time else None,
        source=form.source,
    )


def group_block_id(business_id: int | None) -> str:
    return f"{ids.GROUP_BLOCK}@{business_id or 0}"


def _input_blocks(view: dict[str, Any], values: dict[str, Any]) -> frozenset[str]:
    shown = [b["block_id"] for b in view.get("blocks") or [] if b.get("type") == "input" and "block_id" in b]
    return frozenset(shown or values)


def _selected_int(element: dict[str, Any]) -> int | None:
    option = element.get("selected_option") or {}
    value = str(option.get("value") or "")
    return int(value) if value.isdigit() else None
