"""Replies on followed threads reach followers by DM: at once, or in their digest."""

from __future__ import annotations

from pathlib import Path

from emulators import seed
from emulators.stack import LocalStack
from handlers import ids
from tests.bot.relay.conftest import Board, dms_to
from tests.conftest import wait_for


def test_first_run_delivers_nothing_old(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        old_board = Board(stack)
        thread = old_board.thread("Old news", InstantDelivery=True)
        old_board.follow(thread)
        old_board.reply(thread, "Said before the bot started")

        first = stack.bot.relay.run_once()
        stack.bot.relay.run_once()

        assert "first run" in first
        assert stack.slack.posts() == []
        assert stack.store.digests.targets_waiting() == []


def test_instant_reply_is_one_dm_and_a_second_cycle_sends_nothing(
    relay_stack: LocalStack, board: Board
) -> None:
    thread = board.thread("Bike shed", InstantDelivery=True)
    board.follow(thread)
    board.reply(thread, "Racks arrive Monday")

    relay_stack.bot.relay.run_once()
    relay_stack.bot.relay.run_once()

    [dm] = dms_to(relay_stack, seed.JANE)
    assert "Racks arrive Monday" in str(dm["blocks"]) and "Bike shed" in dm["text"]
    assert "Omar Haddad" in str(dm["blocks"])
    actions = [e["action_id"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert actions[:2] == [ids.MUTE_THREAD_ACTION, ids.UNFOLLOW_THREAD_ACTION]


def test_several_replies_in_one_poll_make_one_dm(relay_stack: LocalStack, board: Board) -> None:
    thread = board.thread(InstantDelivery=True)
    board.follow(thread)
    for text in ("one", "two", "three"):
        board.reply(thread, text)

    relay_stack.bot.relay.run_once()

    [dm] = dms_to(relay_stack, seed.JANE)
    assert dm["text"].startswith("3 new replies")


def test_own_reply_is_not_sent(relay_stack: LocalStack, board: Board) -> None:
    thread = board.thread(InstantDelivery=True)
    board.follow(thread)
    board.reply(thread, "I said this myself", author=seed.JANE_USER_ID)

    relay_stack.bot.relay.run_once()

    assert dms_to(relay_stack, seed.JANE) == []


def test_muted_thread_is_silent(relay_stack: LocalStack, board: Board) -> None:
    thread = board.thread(InstantDelivery=True)
    board.follow(thread)
    board.mute(thread)
    board.reply(thread, "Nobody hears this")

    relay_stack.bot.relay.run_once()

    assert dms_to(relay_stack, seed.JANE) == []


def test_non_instant_reply_waits_for_the_personal_digest(relay_stack: LocalStack, board: Board) -> None:
    thread = board.thread("Book club")
    board.follow(thread)
    board.reply(thread, "Chapter 3 tonight")

    relay_stack.bot.relay.run_once()
    assert dms_to(relay_stack, seed.JANE) == []

    relay_stack.bot.relay.digest_pass(force=True)
    relay_stack.bot.relay.digest_pass(force=True)

    [digest] = dms_to(relay_stack, seed.JANE)
    assert "Your Discussion Board digest" in digest["text"]
    assert "Chapter 3 tonight" in str(digest["blocks"]) and "Book club" in str(digest["blocks"])


def test_chosen_as_they_happen_gets_every_reply_at_once(relay_stack: LocalStack, board: Board) -> None:
    relay_stack.store.preferences.set(seed.JANE, replies="instant")
    thread = board.thread("Not an instant thread")
    board.follow(thread)
    board.reply(thread)

    relay_stack.bot.relay.run_once()

    assert len(dms_to(relay_stack, seed.JANE)) == 1


def test_replies_off_means_nothing(relay_stack: LocalStack, board: Board) -> None:
    relay_stack.store.preferences.set(seed.JANE, replies="off")
    thread = board.thread(InstantDelivery=True)
    board.follow(thread)
    board.reply(thread)

    relay_stack.bot.relay.run_once()
    relay_stack.bot.relay.digest_pass(force=True)

    assert dms_to(relay_stack, seed.JANE) == []


def test_follower_without_slack_is_skipped_and_remembered(relay_stack: LocalStack, board: Board) -> None:
    stranger = relay_stack.nexudus.add("User", Email="stranger@example.com", FullName="Stranger")["Id"]
    thread = board.thread(InstantDelivery=True)
    board.follow(thread, stranger)
    board.reply(thread)
    board.reply(thread)

    relay_stack.bot.relay.run_once()
    lookups = len(relay_stack.slack.calls_to("users.lookupByEmail"))
    board.reply(thread)
    relay_stack.bot.relay.run_once()

    assert relay_stack.slack.posts() == []
    assert len(relay_stack.slack.calls_to("users.lookupByEmail")) == lookups  # the miss was cached


def test_manual_link_routes_replies_to_the_linked_slack_user(relay_stack: LocalStack, board: Board) -> None:
    relay_stack.bot.identities.link(seed.NOBODY, str(seed.LEE_USER_ID))
    thread = board.thread(InstantDelivery=True)
    board.follow(thread, seed.LEE_USER_ID)
    board.reply(thread)

    relay_stack.bot.relay.run_once()

    assert len(dms_to(relay_stack, seed.NOBODY)) == 1


def test_mute_button_writes_the_mute_as_the_member(relay_stack: LocalStack, board: Board) -> None:
    thread = board.thread(InstantDelivery=True)
    board.follow(thread)
    board.reply(thread)
    relay_stack.bot.relay.run_once()
    [dm] = dms_to(relay_stack, seed.JANE)

    relay_stack.driver.press(seed.JANE, {**dm, "ts": "1.1"}, ids.MUTE_THREAD_ACTION, channel_id="DUJANE")

    mutes = wait_for(lambda: relay_stack.nexudus.records["CommunityThreadMute"])
    assert [(m["ThreadId"], m["UserId"]) for m in mutes] == [(thread, seed.JANE_USER_ID)]
    update = wait_for(lambda: relay_stack.slack.calls_to("chat.update"))[0].args
    assert "Muted" in update["text"] and "actions" not in str([b["type"] for b in update["blocks"]])


def test_unfollow_button_deletes_the_follow(relay_stack: LocalStack, board: Board) -> None:
    thread = board.thread(InstantDelivery=True)
    board.follow(thread)
    board.follow(thread, seed.OMAR_USER_ID)
    board.reply(thread, author=seed.LEE_USER_ID)
    relay_stack.bot.relay.run_once()
    [dm] = dms_to(relay_stack, seed.JANE)

    relay_stack.driver.press(seed.JANE, {**dm, "ts": "1.1"}, ids.UNFOLLOW_THREAD_ACTION, channel_id="DUJANE")

    wait_for(lambda: relay_stack.slack.calls_to("chat.update"))
    follows = relay_stack.nexudus.records["CommunityThreadFollow"]
    assert [(f["ThreadId"], f["UserId"]) for f in follows] == [(thread, seed.OMAR_USER_ID)]
