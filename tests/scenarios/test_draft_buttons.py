"""Retry and Edit on a draft's DM: only the draft's author may use them; anyone else is told so."""

from __future__ import annotations

from typing import Any

from emulators import seed
from emulators.stack import LocalStack
from handlers import ids
from tests.conftest import choose_location, open_modal, wait_for

THREADS = "/api/community/communitythreads"
NOT_YOURS = "This draft is <@UJANE>'s: only they can retry or edit it."


def janes_draft_message(stack: LocalStack) -> dict[str, Any]:
    """Jane posts while Nexudus is down, then Nexudus comes back; returns the DM about her draft."""
    view = choose_location(stack, open_modal(stack, text="Coffee machine"), seed.CANAL_STREET)
    stack.bot.identities.resolve(seed.JANE)
    stack.nexudus.faults.down = True
    stack.driver.submit(seed.JANE, view, message="Mine")
    call = wait_for(lambda: stack.slack.calls_to("chat.postMessage"))[0]
    stack.nexudus.faults.down = False
    return {"blocks": call.args["blocks"], "ts": "1700000000.000001", "text": call.args["text"]}


def test_someone_else_pressing_retry_is_told_whose_draft_it_is_and_nothing_posts(
    stack: LocalStack,
) -> None:
    dm = janes_draft_message(stack)
    posts_before = len(stack.nexudus.calls("POST", THREADS))

    answer = stack.driver.press(seed.OMAR, dm, ids.RETRY_DRAFT_ACTION, channel_id="DUJANE")

    assert answer.status_code == 200
    [response] = wait_for(lambda: stack.slack.responses)
    assert response == {"text": NOT_YOURS, "response_type": "ephemeral", "replace_original": False}
    # The reply is the listener's last step: by now it has done all it was going to do.
    assert len(stack.nexudus.calls("POST", THREADS)) == posts_before
    assert stack.slack.calls_to("chat.update") == []
    draft = stack.store.drafts.get(dm["blocks"][1]["elements"][0]["value"])  # Retry's value: its key
    assert draft is not None and draft.state == "deferred" and draft.attempts == 1


def test_someone_else_pressing_edit_is_told_whose_draft_it_is_and_no_form_opens(
    stack: LocalStack,
) -> None:
    dm = janes_draft_message(stack)
    opened_before = len(stack.slack.calls_to("views.open"))

    stack.driver.press(seed.OMAR, dm, ids.EDIT_DRAFT_ACTION, channel_id="DUJANE")

    [response] = wait_for(lambda: stack.slack.responses)
    assert response["text"] == NOT_YOURS and response["response_type"] == "ephemeral"
    assert len(stack.slack.calls_to("views.open")) == opened_before


def test_the_author_pressing_retry_gets_no_such_reply(stack: LocalStack) -> None:
    dm = janes_draft_message(stack)

    stack.driver.press(seed.JANE, dm, ids.RETRY_DRAFT_ACTION, channel_id="DUJANE")

    wait_for(lambda: stack.nexudus.created())
    wait_for(lambda: stack.slack.calls_to("chat.update"))
    assert stack.slack.responses == []
