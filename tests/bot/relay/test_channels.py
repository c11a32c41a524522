"""Channel subscriptions: instant posts threaded with their replies, digests, and privacy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.relay.keys import ChannelPostKey
from emulators import seed
from emulators.stack import LocalStack
from store.relay_models import SubscriptionMode
from tests.bot.relay.conftest import Board, dms_to
from tests.conftest import subscribe as subscribe_channel
from tests.conftest import wait_for

CHANNEL = "CBOARD"


def subscribe(stack: LocalStack, mode: SubscriptionMode = "instant", **filters: Any) -> None:
    subscribe_channel(stack.store, CHANNEL, mode, **filters)


def test_instant_subscription_posts_a_new_thread_once_and_threads_its_replies(
    relay_stack: LocalStack, board: Board
) -> None:
    subscribe(relay_stack)
    thread = board.thread("Summer party")

    relay_stack.bot.relay.run_once()
    relay_stack.bot.relay.run_once()
    [post] = relay_stack.slack.posts(CHANNEL)
    assert "Summer party" in post["text"] and "thread_ts" not in post

    board.reply(thread, "Bring snacks")
    relay_stack.bot.relay.run_once()
    relay_stack.bot.relay.run_once()

    posts = relay_stack.slack.posts(CHANNEL)
    assert len(posts) == 2
    parent_ts = relay_stack.store.outbox.get(ChannelPostKey(thread, CHANNEL).text()).ts  # type: ignore[union-attr]
    assert posts[1]["thread_ts"] == parent_ts and "reply_broadcast" not in posts[1]
    assert "Bring snacks" in posts[1]["text"]


@pytest.mark.parametrize(
    "fields",
    [
        {"Private": True},  # only the people named on it
        {"CommunityGroupId": seed.BOARD_GROUP},  # a Private group
    ],
)
@pytest.mark.parametrize("mode", ["instant", "digest"])
def test_private_content_never_reaches_a_channel(
    relay_stack: LocalStack, board: Board, fields: dict[str, object], mode: SubscriptionMode
) -> None:
    subscribe(relay_stack, mode)
    thread = board.thread("Salaries", InstantDelivery=True, **fields)
    board.follow(thread)
    relay_stack.bot.relay.run_once()
    board.reply(thread, "Confidential numbers")

    relay_stack.bot.relay.run_once()
    relay_stack.bot.relay.digest_pass(force=True)

    assert relay_stack.slack.posts(CHANNEL) == []
    assert "Confidential numbers" in str(dms_to(relay_stack, seed.JANE))  # followers still hear


def test_thread_turned_private_before_the_digest_is_left_out(relay_stack: LocalStack, board: Board) -> None:
    subscribe(relay_stack, "digest")
    public = board.thread("Open day")
    secret = board.thread("Soon to be private")
    relay_stack.bot.relay.run_once()
    next(t for t in relay_stack.nexudus.records["CommunityThread"] if t["Id"] == secret)["Private"] = True

    relay_stack.bot.relay.digest_pass(force=True)

    [digest] = relay_stack.slack.posts(CHANNEL)
    assert "Open day" in str(digest["blocks"]) and "Soon to be private" not in str(digest["blocks"])
    assert public != secret


def test_filters_pick_location_group_and_tag(relay_stack: LocalStack, board: Board) -> None:
    subscribe(relay_stack, business_id=seed.HARBOUR_VIEW)
    subscribe(relay_stack, group_id=seed.PARENTS_GROUP)
    subscribe(relay_stack, tag="events")
    board.thread("Harbour news", business=seed.HARBOUR_VIEW)
    board.thread("Parents meetup", CommunityGroupId=seed.PARENTS_GROUP)
    board.thread("Quiz", Tags="Fun, Events")
    board.thread("Nobody subscribed to this")

    relay_stack.bot.relay.run_once()

    texts = [p["text"] for p in relay_stack.slack.posts(CHANNEL)]
    assert texts == ["New thread: Harbour news", "New thread: Parents meetup", "New thread: Quiz"]


def test_channel_digest_is_sent_once_and_not_again_with_nothing_new(
    relay_stack: LocalStack, board: Board
) -> None:
    subscribe(relay_stack, "digest")
    first = board.thread("Yoga on Fridays")
    relay_stack.bot.relay.run_once()
    board.reply(first, "Count me in")
    board.reply(first, "Me too")
    relay_stack.bot.relay.run_once()

    relay_stack.bot.relay.digest_pass(force=True)
    relay_stack.bot.relay.digest_pass(force=True)

    [digest] = relay_stack.slack.posts(CHANNEL)
    shown = str(digest["blocks"])
    assert "Yoga on Fridays" in shown and "2 new replies" in shown and "Canal Street" in shown
    assert "Omar Haddad" in shown


def test_long_digest_is_split_under_fifty_blocks(relay_stack: LocalStack, board: Board) -> None:
    subscribe(relay_stack, "digest")
    for n in range(120):
        board.thread(f"Thread number {n}")
    relay_stack.bot.relay.run_once()

    relay_stack.bot.relay.digest_pass(force=True)

    posts = relay_stack.slack.posts(CHANNEL)
    assert len(posts) == 3
    assert all(len(p["blocks"]) <= 50 for p in posts)
    for post in posts:
        for block in post["blocks"]:
            Block.parse(block).validate_json()  # type: ignore[union-attr]
    shown = " ".join(json.dumps(p["blocks"]) for p in posts)
    assert all(f"Thread number {n}<" in shown or f"Thread number {n}*" in shown for n in range(120))
    assert posts[0]["text"].endswith("(1/3)")


def test_portal_text_is_escaped_everywhere(relay_stack: LocalStack, board: Board) -> None:
    subscribe(relay_stack)
    thread = board.thread("<!channel> free <https://evil.example|pizza>", InstantDelivery=True)
    board.follow(thread)
    relay_stack.bot.relay.run_once()
    board.reply(thread, "ping <@UADMIN> and <!here> & <https://x.example|y>")

    relay_stack.bot.relay.run_once()

    sent = json.dumps(relay_stack.slack.posts(), ensure_ascii=False)
    for markup in ("<!channel>", "<!here>", "<@UADMIN>", "<https://evil.example|", "<https://x.example|"):
        assert markup not in sent
    assert "&lt;!channel&gt;" in sent and "&lt;@UADMIN&gt; and &lt;!here&gt; &amp;" in sent


def test_subscribe_command_needs_the_bot_in_the_channel(relay_stack: LocalStack) -> None:
    relay_stack.slack.not_in_channels.add("C100")

    relay_stack.driver.slash(seed.ADMIN, "subscribe instant")

    answer = wait_for(lambda: relay_stack.slack.responses)[0]["text"]
    assert "/invite @Nexudus Board" in answer
    assert relay_stack.store.subscriptions.all() == []


def test_subscribe_list_and_unsubscribe(relay_stack: LocalStack) -> None:
    relay_stack.driver.slash(
        seed.ADMIN, f"subscribe digest location:{seed.CANAL_STREET} tag:events time:17:30"
    )
    subscribed = wait_for(lambda: relay_stack.slack.responses)[0]["text"]
    relay_stack.driver.slash(seed.JANE, "list")
    listed = wait_for(lambda: relay_stack.slack.responses[1:])[0]["text"]
    relay_stack.driver.slash(seed.JANE, "unsubscribe")
    refused = wait_for(lambda: relay_stack.slack.responses[2:])[0]["text"]
    relay_stack.driver.slash(seed.ADMIN, "unsubscribe")
    removed = wait_for(lambda: relay_stack.slack.responses[3:])[0]["text"]

    assert "daily digest at 17:30" in subscribed and "Canal Street" in subscribed
    assert "now gets Discussion Board" in relay_stack.slack.posts("C100")[0]["text"]
    assert "tag `events`" in listed
    assert "Only admins" in refused
    assert "Removed 1" in removed and relay_stack.store.subscriptions.all() == []


def test_thread_and_reply_in_the_same_poll_are_posted_and_threaded(
    relay_stack: LocalStack, board: Board
) -> None:
    subscribe(relay_stack)
    thread = board.thread("Fresh")
    board.reply(thread, "Quick reply")

    relay_stack.bot.relay.run_once()

    post, reply = relay_stack.slack.posts(CHANNEL)
    assert reply["thread_ts"] == post["ts"] and "Quick reply" in reply["text"]


def test_a_deleted_thread_does_not_stop_the_relay(relay_stack: LocalStack, board: Board) -> None:
    gone = board.thread("Deleted soon")
    kept = board.thread("Still here", InstantDelivery=True)
    board.follow(kept)
    relay_stack.bot.relay.run_once()
    board.reply(gone, "orphan")
    board.reply(kept, "still delivered")
    relay_stack.nexudus.records["CommunityThread"] = [
        t for t in relay_stack.nexudus.records["CommunityThread"] if t["Id"] != gone
    ]

    relay_stack.bot.relay.run_once()

    assert "still delivered" in str(dms_to(relay_stack, seed.JANE))


def test_many_channel_digests_due_at_once_list_the_board_once(relay_stack: LocalStack, board: Board) -> None:
    channels = ["CDIGEST1", "CDIGEST2", "CDIGEST3"]
    for channel in channels:
        subscribe_channel(relay_stack.store, channel, "digest")
    board.thread("Open day")
    relay_stack.bot.relay.run_once()
    before = len(relay_stack.nexudus.calls("GET"))

    relay_stack.bot.relay.digests.run(force=True)

    asked = [r.path for r in relay_stack.nexudus.calls("GET")[before:]]
    assert asked.count("/api/community/communitygroups") == 1
    assert asked.count("/api/community/communitythreads") == 1
    relay_stack.bot.relay.sender.deliver_due()
    assert all(len(relay_stack.slack.posts(channel)) == 1 for channel in channels)
