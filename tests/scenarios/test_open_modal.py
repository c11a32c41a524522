"""/newthread opens the form at once, through signed requests to the real app."""

from __future__ import annotations

import time

from slack_sdk.models.views import View

from emulators import seed
from emulators.stack import LocalStack
from handlers import ids
from tests.conftest import choose_location, input_ids, open_modal, wait_for


def test_modal_opens_with_the_command_text_as_title(stack: LocalStack) -> None:
    view = open_modal(stack, text="Lost keys near the kitchen")

    title = next(b for b in view["blocks"] if b.get("block_id") == ids.TITLE_BLOCK)
    assert title["element"]["initial_value"] == "Lost keys near the kitchen"
    assert view["callback_id"] == ids.NEW_THREAD_MODAL
    View(**view).validate_json()


def test_title_keeps_mentions_readable(stack: LocalStack) -> None:
    # should_escape sends mentions and specials as markup; the title gets plain words.
    view = open_modal(stack, text="Hi <@UOMAR|omar> &amp; <!here> see <https://x.org|docs>")

    title = next(b for b in view["blocks"] if b.get("block_id") == ids.TITLE_BLOCK)
    assert title["element"]["initial_value"] == "Hi @omar & @here see docs (https://x.org)"


def test_modal_opens_in_time_while_every_nexudus_call_hangs(stack: LocalStack) -> None:
    stack.nexudus.faults.delay = 3.5
    stack.store.directory.replace(
        stack.store.directory.locations(), [], stack.store.directory.refreshed_at() or _long_ago()
    )
    calls_before = len(stack.nexudus.requests)

    view = open_modal(stack, text="Printer jammed")

    # The emulator refuses a views.open after the trigger's 3 s: it opened in time,
    # and it is the form itself, with the title filled in.
    assert ids.TITLE_BLOCK in input_ids(view)
    assert len(stack.nexudus.requests) - calls_before <= 1  # at most a background refresh, started after
    stack.nexudus.faults.delay = 0


def test_first_start_with_nexudus_down_still_opens_the_form(cold_stack: LocalStack) -> None:
    cold_stack.nexudus.faults.down = True

    view = open_modal(cold_stack, text="Hello")

    location = next(b for b in view["blocks"] if b.get("block_id") == ids.LOCATION_BLOCK)
    assert location["element"]["type"] == "external_select"
    View(**view).validate_json()


def test_location_options_load_when_clicked_after_a_cold_start(cold_stack: LocalStack) -> None:
    view = open_modal(cold_stack)

    answer = cold_stack.driver.options(seed.JANE, view, ids.LOCATION_ACTION, query="harb")

    assert [o["value"] for o in answer.json()["options"]] == [str(seed.HARBOUR_VIEW)]


def test_changing_location_lists_only_that_locations_groups(stack: LocalStack) -> None:
    view = open_modal(stack)

    canal = choose_location(stack, view, seed.CANAL_STREET)
    harbour = choose_location(stack, canal, seed.HARBOUR_VIEW)

    assert _group_names(canal) == [
        "No group: the whole board",
        "Board members (Private)",
        "Founders (Restricted)",
        "Parents (Public)",
    ]
    assert _group_names(harbour) == ["No group: the whole board", "Cyclists (Public)"]
    View(**harbour).validate_json()


def test_single_location_is_chosen_without_asking(stack: LocalStack) -> None:
    stack.nexudus.records["Business"] = stack.nexudus.records["Business"][:1]
    stack.bot.directory.refresh()

    view = open_modal(stack)

    assert ids.LOCATION_BLOCK not in input_ids(view)
    assert any(b.startswith(ids.GROUP_BLOCK) for b in input_ids(view))


def test_home_location_is_preselected_once_the_member_is_known(stack: LocalStack) -> None:
    stack.bot.identities.resolve(seed.OMAR)

    view = open_modal(stack, user=seed.OMAR)

    location = next(b for b in view["blocks"] if b.get("block_id") == ids.LOCATION_BLOCK)
    assert location["element"]["initial_option"]["value"] == str(seed.HARBOUR_VIEW)


def test_ticking_zoom_shows_the_meeting_fields(stack: LocalStack) -> None:
    view = open_modal(stack)
    before = len(stack.slack.calls_to("views.update"))

    stack.driver.change(seed.JANE, view, "options", options=[ids.OPTION_ZOOM], title="Standup")
    updated = wait_for(lambda: stack.slack.calls_to("views.update")[before:])[0].args["view"]

    assert ids.ZOOM_LINK_BLOCK in input_ids(updated)
    title = next(b for b in updated["blocks"] if b.get("block_id") == ids.TITLE_BLOCK)
    assert title["element"]["initial_value"] == "Standup"  # what was typed survives the rebuild


def test_member_known_to_have_no_account_is_told_at_once(stack: LocalStack) -> None:
    stack.bot.identities.resolve(seed.NOBODY)

    view = open_modal(stack, user=seed.NOBODY)

    assert view["callback_id"] == ids.RESULT_MODAL
    assert "/newthread link" in view["blocks"][0]["text"]["text"]


def _group_names(view: dict[str, object]) -> list[str]:
    block = next(b for b in view["blocks"] if str(b.get("block_id", "")).startswith(ids.GROUP_BLOCK))  # type: ignore[union-attr, attr-defined]
    return [o["text"]["text"] for o in block["element"]["options"]]


def _long_ago():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2000, 1, 1, tzinfo=UTC)


def test_slash_command_answers_fast_even_so(stack: LocalStack) -> None:
    # Not a timing assertion: the emulator itself enforces the trigger's 3 s lifetime.
    stack.nexudus.faults.delay = 3.5
    started = time.monotonic()
    open_modal(stack, text="x")
    assert stack.slack.calls_to("views.open")[-1].at - started < 3
    stack.nexudus.faults.delay = 0


def test_text_too_long_for_a_title_goes_to_the_message_uncut(stack: LocalStack) -> None:
    long_text = "word " * 60  # 300 characters

    view = open_modal(stack, text=long_text)

    fields = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert "initial_value" not in fields[ids.TITLE_BLOCK]
    assert fields[ids.MESSAGE_BLOCK]["initial_value"] == long_text.strip()
    View(**view).validate_json()
