"""The form's submission called directly: inline errors are acked and nothing is saved."""

from __future__ import annotations

from typing import Any
from unittest.mock import Mock

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.drafts_desk import DraftsDesk
from bot.form_choices import FormChoices
from emulators.slack_driver import fill
from handlers import ids
from handlers.blocks.new_thread_modal import new_thread_modal
from handlers.forms import ModalState
from handlers.notices import SlackNotices
from handlers.views.new_thread_submit import submit_new_thread
from store.models import Group, Location

CANAL, HARBOUR = Location(id=1, name="Canal Street"), Location(id=2, name="Harbour View")
HARBOUR_PARENTS = Group(id=20, business_id=HARBOUR.id, name="Parents", access=2)


def submitted(**answers: Any) -> dict[str, Any]:
    view = new_thread_modal(ModalState(key="k", business_id=CANAL.id), [CANAL, HARBOUR], [HARBOUR_PARENTS])
    return {**view, "id": "V1", "state": {"values": fill(view, answers)}}


def submit(view: dict[str, Any], choices: FormChoices) -> tuple[Mock, Mock]:
    ack, drafts = Mock(spec=Ack), Mock(spec=DraftsDesk)
    submit_new_thread(
        ack,
        {"user": {"id": "U1"}},
        view,
        Mock(spec=WebClient),
        drafts=drafts,
        choices=choices,
        notices=Mock(spec=SlackNotices),
    )
    return ack, drafts


def error_blocks(ack: Mock) -> list[str]:
    assert ack.call_args.kwargs["response_action"] == "errors"
    return list(ack.call_args.kwargs["errors"])


def test_a_blank_title_is_an_inline_error_and_no_draft_is_kept() -> None:
    ack, drafts = submit(submitted(message="Hello"), Mock(spec=FormChoices))

    assert any(block.startswith(ids.TITLE_BLOCK) for block in error_blocks(ack))
    drafts.submit_draft.assert_not_called()


def test_a_group_of_another_location_is_an_inline_error_on_the_group() -> None:
    choices = Mock(spec=FormChoices)
    choices.group.return_value = HARBOUR_PARENTS
    view = submitted(title="Swap", message="Hello", group=HARBOUR_PARENTS.id)

    ack, drafts = submit(view, choices)

    choices.group.assert_called_once_with(HARBOUR_PARENTS.id)
    assert any(block.startswith(ids.GROUP_BLOCK) for block in error_blocks(ack))
    drafts.submit_draft.assert_not_called()
