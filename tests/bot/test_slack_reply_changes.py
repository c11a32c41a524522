"""A member editing or deleting their Slack reply while the bot is still posting it: the edit
or deletion arrives on another connection (another Bolt thread or process) inside the slow
portal call of the attempt holding the claim, so the interleaving is exact."""

from __future__ import annotations

from collections.abc import Callable

from bot.portal import PortalUnavailable
from bot.portal.models import NewReply
from bot.two_way.outcomes import ReplyDeleted, ReplyIgnored, ReplyPosted, SlackMessage
from bot.two_way.replies import SlackReplies
from store import Store
from tests.bot.test_slack_replies import (
    CHANNEL,
    JANE,
    JANE_COWORKER,
    JANE_USER,
    PARENT,
    THREAD,
    TS,
    Clock,
    portal_mock,
)
from tests.bot.test_slack_reply_attempts import LATER, NOW, identities_mock, on_board, process


def edited(text: str) -> NewReply:
    """The update that puts ``text`` on reply 777."""
    return NewReply(
        id=777,
        community_thread_id=THREAD,
        user_id=JANE_USER,
        coworker_id=JANE_COWORKER,
        message=f"<p>{text}</p>",
    )


def create_during_an_edit(other: SlackReplies, text: str) -> Callable[[NewReply], int]:
    """A create of reply 777 during which the member edits their Slack reply to ``text``."""

    def create(body: NewReply) -> int:
        assert other.edit_reply(CHANNEL, TS, JANE, text) == ReplyIgnored()
        return 777

    return create


def test_a_reply_deleted_while_its_create_runs_is_taken_off_the_board(stores: tuple[Store, Store]) -> None:
    first, second = stores
    clock, portal = Clock(), portal_mock()
    other = process(second, portal, clock, identities_mock())

    def create_during_which_the_member_deletes(body: NewReply) -> int:
        assert other.delete_reply(CHANNEL, TS) == ReplyIgnored()
        return 777

    portal.create_reply.side_effect = create_during_which_the_member_deletes
    replies = process(first, portal, clock, identities_mock())
    outcome = replies.post_reply(CHANNEL, TS, PARENT, JANE, "x")

    assert outcome == ReplyIgnored()
    portal.delete_reply.assert_called_once_with(777)
    assert first.slack_replies.get(CHANNEL, TS).state == "deleted"  # type: ignore[union-attr]
    assert replies.retry(SlackMessage(CHANNEL, TS), presser=JANE) == ReplyDeleted()


def test_a_reply_deleted_while_a_resumed_attempt_finds_it_is_taken_off_the_board(
    stores: tuple[Store, Store],
) -> None:
    first, second = stores
    clock, portal = Clock(), portal_mock()
    other = process(second, portal, clock, identities_mock())
    first.slack_replies.claim(channel=CHANNEL, ts=TS, slack_user_id=JANE, thread_id=THREAD, text="x", now=NOW)

    def look_during_which_the_member_deletes(thread_id: int, user_id: int) -> list[object]:
        assert other.delete_reply(CHANNEL, TS) == ReplyIgnored()
        return [on_board(555)]  # what the dead process made

    portal.replies_by.side_effect = look_during_which_the_member_deletes
    clock.now = NOW + LATER
    [(_, outcome)] = process(first, portal, clock, identities_mock()).resume_stuck()

    assert outcome == ReplyIgnored()
    portal.create_reply.assert_not_called()
    portal.delete_reply.assert_called_once_with(555)


def test_an_edit_made_while_the_create_runs_reaches_the_board(stores: tuple[Store, Store]) -> None:
    first, second = stores
    clock, portal = Clock(), portal_mock()
    other = process(second, portal, clock, identities_mock())

    portal.create_reply.side_effect = create_during_an_edit(other, "Bring pie")
    outcome = process(first, portal, clock, identities_mock()).post_reply(
        CHANNEL, TS, PARENT, JANE, "Bring cake"
    )

    assert outcome == ReplyPosted(777)
    portal.update_reply.assert_called_once_with(edited("Bring pie"))
    kept = first.slack_replies.get(CHANNEL, TS)
    assert kept is not None and (kept.state, kept.text) == ("posted", "Bring pie")


def test_an_edit_made_while_an_earlier_edit_is_carried_over_lands_last(stores: tuple[Store, Store]) -> None:
    first, second = stores
    clock, portal = Clock(), portal_mock()
    other = process(second, portal, clock, identities_mock())
    portal.create_reply.side_effect = create_during_an_edit(other, "Bring pie")

    def update_during_which_the_member_edits_again(body: NewReply) -> None:
        if body.message == "<p>Bring pie</p>":
            assert other.edit_reply(CHANNEL, TS, JANE, "Bring tart") == ReplyIgnored()

    portal.update_reply.side_effect = update_during_which_the_member_edits_again
    outcome = process(first, portal, clock, identities_mock()).post_reply(
        CHANNEL, TS, PARENT, JANE, "Bring cake"
    )

    assert outcome == ReplyPosted(777)
    assert [c.args[0] for c in portal.update_reply.call_args_list] == [
        edited("Bring pie"),
        edited("Bring tart"),
    ]
    assert first.slack_replies.get(CHANNEL, TS).text == "Bring tart"  # type: ignore[union-attr]


def test_an_edit_the_portal_refuses_still_records_the_reply_so_retry_posts_nothing(
    stores: tuple[Store, Store],
) -> None:
    first, second = stores
    clock, portal = Clock(), portal_mock()
    other = process(second, portal, clock, identities_mock())
    portal.create_reply.side_effect = create_during_an_edit(other, "Bring pie")
    portal.update_reply.side_effect = PortalUnavailable("503")
    replies = process(first, portal, clock, identities_mock())

    outcome = replies.post_reply(CHANNEL, TS, PARENT, JANE, "Bring cake")

    assert outcome == ReplyPosted(777)
    assert first.slack_replies.get(CHANNEL, TS).state == "posted"  # type: ignore[union-attr]
    assert replies.retry(SlackMessage(CHANNEL, TS), presser=JANE) == ReplyPosted(777)
    assert portal.create_reply.call_count == 1
