"""Submitting the form: one thread, every field mapped, inline errors, through signed requests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from emulators import seed
from emulators.stack import LocalStack
from handlers import ids
from tests.conftest import choose_location, open_modal, wait_for

THREADS = "/api/community/communitythreads"
ZOOM_START = int(datetime(2026, 12, 1, 9, 30, tzinfo=UTC).timestamp())


def canal_form(stack: LocalStack, text: str = "Lost keys") -> dict[str, Any]:
    return choose_location(stack, open_modal(stack, text=text), seed.CANAL_STREET)


def test_full_submission_creates_one_thread_with_every_field(stack: LocalStack) -> None:
    view = canal_form(stack, "Quiz night")
    before = len(stack.slack.calls_to("views.update"))
    view = _with_zoom(stack, view, before)

    answer = stack.driver.submit(
        seed.JANE,
        view,
        message="Teams of four.\nPrizes!",
        group=seed.FOUNDERS_GROUP,
        tags=" quiz, fun ,Quiz,  ",
        guests=[seed.OMAR, seed.LEE],
        options=[ids.OPTION_INSTANT, ids.OPTION_ZOOM],
        zoom_link="https://zoom.us/j/123456789",
        zoom_id="123 456 789",
        zoom_passcode="s3cret",
        zoom_start=ZOOM_START,
    )

    assert answer.json()["response_action"] == "update"
    [thread] = stack.nexudus.created()
    assert thread["BusinessId"] == seed.CANAL_STREET
    assert thread["UserId"] == seed.JANE_USER_ID
    assert thread["CoworkerId"] == seed.JANE_COWORKER_ID
    assert thread["CommunityGroupId"] == seed.FOUNDERS_GROUP
    assert thread["Subject"] == "Quiz night"
    assert thread["Message"] == "<p>Teams of four.<br>Prizes!</p>"  # as the portal shows bodies
    assert thread["Tags"] == "quiz,fun"
    assert thread["Guests"] == [seed.OMAR_USER_ID, seed.LEE_USER_ID]
    assert thread["InstantDelivery"] is True
    assert thread["Private"] is False
    assert thread["IncludeZoomInvite"] is True
    assert json.loads(thread["ZoomEventData"]) == {
        "JoinUrl": "https://zoom.us/j/123456789",
        "MeetingId": "123 456 789",
        "Passcode": "s3cret",
        "StartTime": "2026-12-01T09:30:00+00:00",
    }
    # Sent, whether or not Nexudus keeps it (the emulator, like live accounts may, drops it).
    [create] = stack.nexudus.calls("POST", "/api/community/communitythreads")
    assert create.json()["SystemId"].startswith("slack:")


def test_private_thread_is_sent_private(stack: LocalStack) -> None:
    view = canal_form(stack)

    stack.driver.submit(
        seed.JANE, view, message="Only for Omar", guests=[seed.OMAR], options=[ids.OPTION_PRIVATE]
    )

    [thread] = stack.nexudus.created()
    assert thread["Private"] is True
    assert "CommunityGroupId" not in thread


def test_success_view_shows_subject_and_portal_link(tmp_path: Any) -> None:
    with LocalStack(directory=tmp_path, nexudus_portal_url="https://space.example.com") as stack:
        stack.bot.directory.refresh()
        view = canal_form(stack, "Bike &lt;shed&gt; &amp; racks")  # as Slack escapes it

        answer = stack.driver.submit(seed.JANE, view, message="Where?")

        shown = answer.json()["view"]
        text = shown["blocks"][0]["text"]["text"]
        thread_id = stack.nexudus.created()[0]["Id"]
        assert "*Bike &lt;shed&gt; &amp; racks* is on the Discussion Board" in text
        button = shown["blocks"][1]["elements"][0]
        assert button["url"] == f"https://space.example.com/community/board/threads/{thread_id}"


@pytest.mark.parametrize(
    ("answers", "block", "says"),
    [
        # blank title (spaces only)
        ({"title": "   ", "message": "x"}, ids.TITLE_BLOCK, "Give the thread a title"),
        # blank message
        ({"message": ""}, ids.MESSAGE_BLOCK, "Write a message"),
        # a payload can carry more than the input allows: refused, not cut
        ({"title": "t" * 151, "message": "x"}, ids.TITLE_BLOCK, "under 150"),
        ({"message": "m" * 3001}, ids.MESSAGE_BLOCK, "under 3000"),
        # tags too long
        ({"message": "x", "tags": "ok, " + "t" * 51}, ids.TAGS_BLOCK, "at most 50"),
    ],
)
def test_bad_input_is_an_inline_error_and_nothing_is_sent(
    stack: LocalStack, answers: dict[str, Any], block: str, says: str
) -> None:
    view = canal_form(stack)

    answer = stack.driver.submit(seed.JANE, view, **answers).json()

    assert answer["response_action"] == "errors"
    assert says in answer["errors"][block]
    assert stack.nexudus.calls("POST", THREADS) == []


def test_missing_location_is_an_inline_error(stack: LocalStack) -> None:
    view = open_modal(stack, text="x")

    answer = stack.driver.submit(seed.JANE, view, message="x").json()

    assert answer["errors"] == {ids.LOCATION_BLOCK: "Choose a location"}


@pytest.mark.parametrize(
    "link",
    [
        "",  # ticked but left empty
        "http://zoom.us/j/1",  # not https
        "zoom.us/j/1",  # no scheme
        "https:// spaces.example",  # not a link
    ],
)
def test_bad_zoom_link_is_an_inline_error(stack: LocalStack, link: str) -> None:
    view = _with_zoom(stack, canal_form(stack), len(stack.slack.calls_to("views.update")))

    answer = stack.driver.submit(
        seed.JANE, view, message="x", zoom_link=link, options=[ids.OPTION_ZOOM]
    ).json()

    assert "https://" in answer["errors"][ids.ZOOM_LINK_BLOCK]
    assert stack.nexudus.calls("POST", THREADS) == []


def test_unmapped_guest_is_an_inline_error_naming_them(stack: LocalStack) -> None:
    view = canal_form(stack)

    answer = stack.driver.submit(seed.JANE, view, message="x", guests=[seed.OMAR, seed.NOBODY]).json()

    assert answer["response_action"] == "errors"
    assert "Noor Body" in answer["errors"][ids.GUESTS_BLOCK]
    assert stack.nexudus.calls("POST", THREADS) == []


def test_nexudus_validation_error_comes_back_on_its_block(stack: LocalStack) -> None:
    stack.nexudus.faults.reject_creates = [("Subject", "contains a word that is not allowed")]
    view = canal_form(stack)

    answer = stack.driver.submit(seed.JANE, view, message="x").json()

    assert answer == {
        "response_action": "errors",
        "errors": {ids.TITLE_BLOCK: "Nexudus says: contains a word that is not allowed"},
    }
    assert stack.nexudus.created() == []


def test_group_of_another_location_is_refused(stack: LocalStack) -> None:
    view = canal_form(stack)

    answer = stack.driver.submit(seed.JANE, view, message="x", group=seed.CYCLISTS_GROUP).json()

    assert answer["errors"] == {f"{ids.GROUP_BLOCK}@{seed.CANAL_STREET}": "Choose a group of this location"}


def test_member_without_portal_account_is_told_and_nothing_is_sent(stack: LocalStack) -> None:
    view = canal_form(stack)

    answer = stack.driver.submit(seed.NOBODY, view, message="Hello").json()

    text = answer["view"]["blocks"][0]["text"]["text"]
    assert "nobody@example.com" in text and "/newthread link" in text
    assert stack.nexudus.calls("POST", THREADS) == []
    # The text is kept: the DM offers Edit.
    dm = wait_for(lambda: stack.slack.calls_to("chat.postMessage"))[0]
    assert any(
        e["action_id"] == ids.EDIT_DRAFT_ACTION
        for b in dm.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    )


def test_double_submission_posts_once(stack: LocalStack) -> None:
    view = canal_form(stack)

    first = stack.driver.submit(seed.JANE, view, message="Once only")
    second = stack.driver.submit(seed.JANE, view, message="Once only")

    assert len(stack.nexudus.created()) == 1
    assert first.json()["response_action"] == second.json()["response_action"] == "update"
    assert "is on the Discussion Board" in second.json()["view"]["blocks"][0]["text"]["text"]


def test_share_in_channel_posts_an_escaped_card(stack: LocalStack) -> None:
    view = canal_form(stack)

    # Plain text inputs arrive unescaped: anything can be typed into them.
    stack.driver.submit(
        seed.JANE,
        view,
        title="Party <!channel> <https://evil.example|click>",
        message="Bring <@U123> & friends",
        group=seed.PARENTS_GROUP,
        options=[ids.OPTION_SHARE],
    )

    card = wait_for(lambda: stack.slack.calls_to("chat.postMessage"))[0].args
    assert card["channel"] == "C100"
    shown = json.dumps(card["blocks"], ensure_ascii=False)
    assert "<!channel>" not in shown and "<@U123>" not in shown and "<https://evil" not in shown
    assert "&lt;!channel&gt;" in shown and "&lt;@U123&gt; &amp; friends" in shown
    assert "Canal Street · Parents" in shown
    assert "<!channel>" not in card["text"]


@pytest.mark.parametrize(
    ("group", "options"),
    [
        (None, [ids.OPTION_SHARE, ids.OPTION_PRIVATE]),  # private thread
        (seed.BOARD_GROUP, [ids.OPTION_SHARE]),  # thread in a Private group
    ],
)
def test_private_content_is_never_shared_in_a_channel(
    stack: LocalStack, group: int | None, options: list[str]
) -> None:
    view = canal_form(stack)

    answer = stack.driver.submit(seed.JANE, view, message="secret", group=group, options=options)

    assert len(stack.nexudus.created()) == 1
    assert "never shared" in answer.json()["view"]["blocks"][0]["text"]["text"]
    assert stack.slack.calls_to("chat.postMessage") == []


def test_bot_not_in_channel_is_explained(stack: LocalStack) -> None:
    stack.slack.not_in_channels.add("C100")
    view = canal_form(stack)

    answer = stack.driver.submit(seed.JANE, view, message="x", options=[ids.OPTION_SHARE])

    assert "/invite" in answer.json()["view"]["blocks"][0]["text"]["text"]


def _with_zoom(stack: LocalStack, view: dict[str, Any], before: int) -> dict[str, Any]:
    stack.driver.change(seed.JANE, view, "options", options=[ids.OPTION_ZOOM])
    call = wait_for(lambda: stack.slack.calls_to("views.update")[before:])[-1]
    return {**call.args["view"], "id": call.args["view_id"]}
