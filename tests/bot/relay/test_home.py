"""The Home tab: link status, followed threads with Mute / Unfollow, reply preferences."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.views import View

from bot.portal.client import FOLLOWS, THREADS
from emulators import seed
from emulators.stack import LocalStack
from handlers import ids
from handlers.events.app_home import publish_home
from tests.bot.relay.conftest import Board
from tests.conftest import wait_for


def open_home(stack: LocalStack, user: str = seed.JANE, published_before: int = 0) -> dict[str, Any]:
    stack.driver.event(
        {"type": "app_home_opened", "user": user, "channel": "DHOME", "tab": "home", "event_ts": "1.1"}
    )
    calls = wait_for(
        lambda: [
            c
            for c in stack.slack.calls_to("views.publish")[published_before:]
            if "Loading" not in str(c.args["view"])
        ]
    )
    return dict(calls[-1].args["view"])


def act_on_home(stack: LocalStack, home: dict[str, Any], action: dict[str, Any]) -> None:
    stack.driver.interact(
        {
            "type": "block_actions",
            "user": {"id": seed.JANE},
            "team": {"id": "T1"},
            "api_app_id": "A1",
            "container": {"type": "view", "view_id": "VHOME"},
            "view": {**home, "id": "VHOME"},
            "trigger_id": stack.slack.new_trigger(),
            "response_url": stack.slack.response_url(),
            "actions": [{"block_id": "b", "action_ts": "1", **action}],
        }
    )


def test_home_shows_link_followed_threads_and_preferences(relay_stack: LocalStack, board: Board) -> None:
    thread = board.thread("Plant swap <Saturday>")
    board.follow(thread)

    home = open_home(relay_stack)

    View(**home).validate_json()
    shown = str(home["blocks"])
    assert "Jane Doe" in shown and "Plant swap &lt;Saturday&gt;" in shown
    buttons = [e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["value"] for b in buttons] == [str(thread), str(thread)]
    accessories = [b["accessory"]["action_id"] for b in home["blocks"] if "accessory" in b]
    assert accessories == [ids.REPLIES_PREFERENCE_ACTION, ids.DIGEST_TIME_ACTION]


def test_choosing_a_preference_saves_it(relay_stack: LocalStack) -> None:
    home = open_home(relay_stack)
    published = len(relay_stack.slack.calls_to("views.publish"))

    act_on_home(
        relay_stack,
        home,
        {
            "action_id": ids.REPLIES_PREFERENCE_ACTION,
            "type": "static_select",
            "selected_option": {"value": "off", "text": {"type": "plain_text", "text": "Off"}},
        },
    )

    wait_for(lambda: relay_stack.slack.calls_to("views.publish")[published:])
    assert relay_stack.store.preferences.get(seed.JANE).replies == "off"


def test_unfollow_from_home_deletes_the_follow_and_refreshes(relay_stack: LocalStack, board: Board) -> None:
    thread = board.thread("Leaving soon")
    board.follow(thread)
    home = open_home(relay_stack)
    published = len(relay_stack.slack.calls_to("views.publish"))

    act_on_home(
        relay_stack, home, {"action_id": ids.UNFOLLOW_THREAD_ACTION, "type": "button", "value": str(thread)}
    )

    refreshed = wait_for(
        lambda: [
            c
            for c in relay_stack.slack.calls_to("views.publish")[published:]
            if "follow no threads" in str(c.args["view"])
        ]
    )
    assert "Unfollowed" in str(refreshed[-1].args["view"])
    assert relay_stack.nexudus.records["CommunityThreadFollow"] == []


def test_home_lists_the_newest_follows_by_their_stamps_not_their_ids(
    relay_stack: LocalStack, board: Board
) -> None:
    # Live accounts hand ids out in interleaved blocks, so the highest ids are not the newest.
    threads = [board.thread(f"Followed {n:02d}") for n in range(1, 13)]
    for thread in threads:
        board.follow(thread)

    shown = str(open_home(relay_stack)["blocks"])

    assert all(f"Followed {n:02d}" in shown for n in range(3, 13))
    assert "Followed 01" not in shown and "Followed 02" not in shown


def follow_lists(stack: LocalStack) -> int:
    return len(stack.nexudus.calls("GET", FOLLOWS))


def thread_gets(stack: LocalStack) -> int:
    return len(stack.nexudus.calls("GET", THREADS + "/"))


def test_opening_home_again_reads_the_follows_once_and_no_thread(
    relay_stack: LocalStack, board: Board
) -> None:
    for n in range(3):
        board.follow(board.thread(f"Followed {n}"))
    home = open_home(relay_stack)
    lists, gets = follow_lists(relay_stack), thread_gets(relay_stack)
    assert gets == 3  # the first open reads each subject once

    again = open_home(relay_stack, published_before=len(relay_stack.slack.calls_to("views.publish")))

    assert follow_lists(relay_stack) == lists + 1
    assert thread_gets(relay_stack) == gets  # subjects from the cache
    assert str(again["blocks"]) == str(home["blocks"])


def test_threads_the_relay_listed_need_no_read_on_home(relay_stack: LocalStack, board: Board) -> None:
    board.follow(board.thread("Seen by the poll"))
    relay_stack.bot.relay.run_once()
    gets = thread_gets(relay_stack)

    home = open_home(relay_stack)

    assert "Seen by the poll" in str(home["blocks"])
    assert thread_gets(relay_stack) == gets


def test_a_refresh_older_than_the_shown_view_does_not_overwrite_it(relay_stack: LocalStack) -> None:
    open_home(relay_stack)
    shown = relay_stack.slack.home_hashes[seed.JANE]

    # A slow refresh that started from an earlier view: Slack refuses it, quietly for us.
    publish_home(relay_stack.bot.app.client, seed.JANE, relay_stack.bot.home, hash="h-earlier")

    assert relay_stack.slack.calls_to("views.publish")[-1].args["hash"] == "h-earlier"
    assert relay_stack.slack.home_hashes[seed.JANE] == shown
