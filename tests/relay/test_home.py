"""The Home tab: link status, followed threads with Mute / Unfollow, reply preferences."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.views import View

from emulators import seed
from emulators.stack import LocalStack
from handlers import ids
from tests.conftest import wait_for
from tests.relay.conftest import Board


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
