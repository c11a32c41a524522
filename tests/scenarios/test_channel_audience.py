"""Who is in a channel decides what it gets: a Private group only where everyone belongs to
it, paused (and its admin told once) when someone else joins; Slack Connect and guest
channels get only what the whole board may see. Through the real HTTP app and emulators."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from bot.channel_audience import ChannelAudiences
from bot.portal.models import GroupAccess
from emulators import seed
from emulators.stack import LocalStack
from handlers.events.channel_members import member_joined
from store.relay_models import OutboxMessage
from tests.bot.relay.conftest import Board, dms_to
from tests.conftest import subscribe, wait_for

PRIVATE = "GBOARD"  # a private channel of Board-members members
SHARED = "CSHARED"  # a Slack Connect channel
GUEST = "UGUEST"


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[LocalStack]:
    """The relay watching; Jane and Omar are both in the Private group "Board members"."""
    with LocalStack(directory=tmp_path) as stack:
        stack.bot.directory.refresh()
        stack.nexudus.update(
            "CommunityGroup", seed.BOARD_GROUP, Members=[seed.JANE_COWORKER_ID, seed.OMAR_COWORKER_ID]
        )
        stack.slack.add_user(GUEST, "Gus Guest", "gus@example.com", is_restricted=True)
        stack.slack.add_channel(PRIVATE, [seed.JANE, seed.OMAR], is_private=True)
        stack.slack.add_channel(SHARED, [seed.JANE], is_shared=True, is_ext_shared=True)
        stack.bot.relay.run_once()
        yield stack


def command(stack: LocalStack, text: str, channel: str) -> str:
    before = len(stack.slack.responses)
    assert stack.driver.slash(seed.ADMIN, text, channel_id=channel).status_code == 200
    return str(wait_for(lambda: stack.slack.responses[before:])[0]["text"])


def posted(stack: LocalStack, channel: str, subject: str) -> bool:
    return any(subject in str(m.get("text")) + str(m.get("blocks")) for m in stack.slack.posts(channel))


def test_a_private_group_goes_only_to_a_channel_whose_every_member_belongs_to_it(
    watching: LocalStack,
) -> None:
    answer = command(watching, f"subscribe instant group:{seed.BOARD_GROUP}", PRIVATE)
    board = Board(watching)
    board.thread("Budget review", CommunityGroupId=seed.BOARD_GROUP)

    watching.bot.relay.run_once()

    assert "Private group Board members: every member here is a member of it" in answer
    assert posted(watching, PRIVATE, "Budget review")


def test_a_guest_joining_pauses_the_subscription_tells_its_admin_once_and_posts_nothing(
    watching: LocalStack,
) -> None:
    command(watching, f"subscribe instant group:{seed.BOARD_GROUP}", PRIVATE)
    board = Board(watching)

    watching.driver.member_joined(PRIVATE, GUEST)
    wait_for(watching.store.channel_audience.subscription_pauses)
    watching.bot.audiences.review(PRIVATE)  # another process sees the same guest
    board.thread("Salaries", CommunityGroupId=seed.BOARD_GROUP)
    watching.bot.relay.run_once()

    assert not posted(watching, PRIVATE, "Salaries")
    told = [m for m in dms_to(watching, seed.ADMIN) if "is paused" in str(m.get("text"))]
    assert len(told) == 1 and "Gus Guest" in str(told[0]["text"])
    status = command(watching, "status", PRIVATE)
    assert "Gus Guest" in status and "resumes when the channel fits" in status


def test_the_subscription_resumes_when_the_guest_leaves(watching: LocalStack) -> None:
    command(watching, f"subscribe instant group:{seed.BOARD_GROUP}", PRIVATE)
    watching.driver.member_joined(PRIVATE, GUEST)
    wait_for(watching.store.channel_audience.subscription_pauses)

    watching.driver.member_left(PRIVATE, GUEST)
    wait_for(lambda: not watching.store.channel_audience.subscription_pauses())
    Board(watching).thread("Board minutes", CommunityGroupId=seed.BOARD_GROUP)
    watching.bot.relay.run_once()

    assert posted(watching, PRIVATE, "Board minutes")
    assert any("resumed" in str(m.get("text")) for m in dms_to(watching, seed.ADMIN))


def test_a_private_group_subscription_is_refused_naming_who_is_not_a_member(watching: LocalStack) -> None:
    watching.slack.join(PRIVATE, seed.NOBODY)

    answer = command(watching, f"subscribe instant group:{seed.BOARD_GROUP}", PRIVATE)

    assert answer.startswith("Not subscribed") and "Noor Body" in answer
    assert watching.store.subscriptions.in_channel(PRIVATE) == []


def test_a_slack_connect_channel_is_told_what_it_will_not_get_and_refused_a_private_group(
    watching: LocalStack,
) -> None:
    public = command(watching, "subscribe instant", SHARED)
    private = command(watching, f"subscribe digest group:{seed.BOARD_GROUP}", SHARED)

    assert "private threads and Private groups are never posted here" in public
    assert "guests or people from other organisations" in public
    assert private.startswith("Not subscribed")


def test_a_slack_connect_channel_gets_only_public_threads_instant_and_in_its_digest(
    watching: LocalStack,
) -> None:
    subscribe(watching.store, SHARED, "instant")
    subscribe(watching.store, SHARED, "digest")
    board = Board(watching)
    board.thread("Open day")
    board.thread("Board only", CommunityGroupId=seed.BOARD_GROUP)
    board.thread("Just us", Private=True)

    watching.bot.relay.run_once()
    watching.bot.relay.digest_pass(force=True)

    assert posted(watching, SHARED, "Open day")
    assert len([m for m in watching.slack.posts(SHARED) if "Open day" in str(m.get("blocks"))]) == 2
    assert not posted(watching, SHARED, "Board only") and not posted(watching, SHARED, "Just us")


GUESTY = "CGUESTY"  # a public channel with a guest in it
OPEN = "COPEN"  # a public channel of colleagues


def group_turns_private(stack: LocalStack, group_id: int) -> None:
    stack.nexudus.update(
        "CommunityGroup",
        group_id,
        GroupAccess=GroupAccess.PRIVATE,
        Members=[seed.JANE_COWORKER_ID, seed.OMAR_COWORKER_ID],
    )


def subscribed_while_open(stack: LocalStack, mode: str) -> None:
    """The open group "Parents" subscribed in a guest channel and in a public channel."""
    stack.slack.add_channel(GUESTY, [seed.JANE, GUEST])
    stack.slack.add_channel(OPEN, [seed.JANE, seed.OMAR])
    for channel in (GUESTY, OPEN):
        assert command(stack, f"subscribe {mode} group:{seed.PARENTS_GROUP}", channel).startswith(
            "Subscribed"
        )


def test_a_group_turned_private_after_subscribing_is_posted_in_no_channel_but_followers_hear(
    watching: LocalStack,
) -> None:
    subscribed_while_open(watching, "instant")
    board = Board(watching)
    watching.bot.identities.resolve(seed.JANE)  # Jane, linked, follows it
    before = board.thread("School run rota", CommunityGroupId=seed.PARENTS_GROUP, InstantDelivery=True)
    board.follow(before)
    watching.bot.relay.run_once()
    assert posted(watching, GUESTY, "School run rota") and posted(watching, OPEN, "School run rota")

    group_turns_private(watching, seed.PARENTS_GROUP)
    board.thread("Custody arrangements", CommunityGroupId=seed.PARENTS_GROUP)
    board.reply(before, "Only members should read this")
    watching.bot.relay.run_once()

    for channel in (GUESTY, OPEN):
        assert not posted(watching, channel, "Custody arrangements")
        assert not posted(watching, channel, "Only members should read this")
    assert any("Only members should read this" in str(m) for m in dms_to(watching, seed.JANE))
    assert len(watching.store.channel_audience.subscription_pauses()) == 2


def test_a_digest_queued_while_the_group_was_open_is_not_posted_once_it_is_private(
    watching: LocalStack,
) -> None:
    subscribed_while_open(watching, "digest")
    board = Board(watching)
    board.thread("Queued while open", CommunityGroupId=seed.PARENTS_GROUP)
    watching.bot.relay.run_once()

    group_turns_private(watching, seed.PARENTS_GROUP)
    board.thread("Planned once private", CommunityGroupId=seed.PARENTS_GROUP)
    watching.bot.relay.run_once()
    watching.bot.relay.digest_pass(force=True)

    for channel in (GUESTY, OPEN):
        assert not posted(watching, channel, "Queued while open")
        assert not posted(watching, channel, "Planned once private")
    assert len(watching.store.channel_audience.subscription_pauses()) == 2


def updates_in(stack: LocalStack, channel: str) -> list[dict[str, Any]]:
    return [c.args for c in stack.slack.calls_to("chat.update") if c.args.get("channel") == channel]


def test_a_private_group_post_stays_while_the_channel_fits_and_is_withdrawn_when_a_guest_joins(
    watching: LocalStack,
) -> None:
    command(watching, f"subscribe instant group:{seed.BOARD_GROUP}", PRIVATE)
    Board(watching).thread("Budget review", CommunityGroupId=seed.BOARD_GROUP)
    watching.bot.relay.run_once()

    watching.bot.relay.run_once()  # the next polls look for edits and removals
    watching.bot.relay.run_once()
    kept = updates_in(watching, PRIVATE)
    watching.driver.member_joined(PRIVATE, GUEST)
    wait_for(watching.store.channel_audience.subscription_pauses)
    watching.bot.relay.run_once()
    watching.bot.relay.run_once()

    assert kept == []
    [withdrawn] = updates_in(watching, PRIVATE)
    assert "Budget review" not in str(withdrawn)


def test_unsubscribing_drops_the_private_group_messages_its_pause_was_holding(watching: LocalStack) -> None:
    command(watching, f"subscribe instant group:{seed.BOARD_GROUP}", PRIVATE)
    [subscription] = watching.store.subscriptions.in_channel(PRIVATE)
    now = datetime.now(UTC)
    held = OutboxMessage(
        key=f"post:1:{PRIVATE}",
        target=PRIVATE,
        text="t",
        blocks=[],
        created_at=now,
        needs_group=seed.BOARD_GROUP,
    )  # planned before the pause
    dm = OutboxMessage(key="dm:1", target=f"user:{seed.JANE}", text="t", blocks=[], created_at=now)
    watching.store.outbox.add([held, dm])
    watching.store.channel_audience.pause_subscription(subscription.id, "a guest joined", now, [])

    answer = command(watching, f"unsubscribe {subscription.id}", PRIVATE)

    assert answer.startswith("Removed 1")
    assert watching.store.outbox.get(held.key) is None
    assert watching.store.outbox.get("dm:1") is not None


def test_subscribing_reads_the_channel_and_the_group_once(watching: LocalStack) -> None:
    info_before = len(watching.slack.calls_to("conversations.info"))
    group_path = f"/api/community/communitygroups/{seed.BOARD_GROUP}"
    group_before = len(watching.nexudus.calls("GET", group_path))

    answer = command(watching, f"subscribe instant group:{seed.BOARD_GROUP}", PRIVATE)

    assert "every member here is a member of it" in answer
    assert len(watching.slack.calls_to("conversations.info")) - info_before == 1
    assert len(watching.nexudus.calls("GET", group_path)) - group_before == 1


def test_a_join_in_a_channel_without_a_group_subscription_only_forgets_its_audience(
    watching: LocalStack,
) -> None:
    watching.slack.add_channel(OPEN, [seed.JANE, seed.OMAR])
    subscribe(watching.store, OPEN, "instant")
    watching.bot.audiences.refresh(OPEN)
    walks = len(watching.slack.calls_to("conversations.members"))

    watching.driver.member_joined(OPEN, GUEST)

    wait_for(lambda: watching.store.channel_audience.get(OPEN) is None)
    assert len(watching.slack.calls_to("conversations.members")) == walks


def test_a_private_group_nexudus_cannot_read_holds_up_nothing_else_in_the_poll(watching: LocalStack) -> None:
    group_turns_private(watching, seed.PARENTS_GROUP)
    for filters in (f"group:{seed.PARENTS_GROUP}", f"group:{seed.BOARD_GROUP}", ""):
        assert command(watching, f"subscribe instant {filters}", PRIVATE).startswith("Subscribed")
    board = Board(watching)
    watching.bot.identities.resolve(seed.JANE)  # Jane, linked, follows a Parents thread
    followed = board.thread("School run rota", CommunityGroupId=seed.PARENTS_GROUP, InstantDelivery=True)
    board.follow(followed)
    watching.bot.relay.run_once()

    watching.nexudus.faults.unreadable.add(f"/api/community/communitygroups/{seed.PARENTS_GROUP}")
    board.thread("Custody arrangements", CommunityGroupId=seed.PARENTS_GROUP)
    board.reply(followed, "Only members should read this")
    board.thread("Budget review", CommunityGroupId=seed.BOARD_GROUP)
    board.thread("Open day")
    watching.bot.relay.run_once()

    assert any("Only members should read this" in str(m) for m in dms_to(watching, seed.JANE))
    assert posted(watching, PRIVATE, "Budget review") and posted(watching, PRIVATE, "Open day")
    assert not posted(watching, PRIVATE, "Custody arrangements")
    assert not posted(watching, PRIVATE, "Only members should read this")
    assert watching.store.channel_audience.subscription_pauses() == {}  # unread is not a reason to pause


class HeldBack(Executor):
    """A background pool whose work has not started yet: jobs wait for ``release``."""

    def __init__(self) -> None:
        self.held: list[Callable[[], object]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.held.append(partial(fn, *args, **kwargs))
        return Future()

    def release(self) -> None:
        for job in self.held:
            job()


def test_a_poll_right_after_a_guest_joins_posts_no_private_group_thread_before_the_review_lands(
    watching: LocalStack,
) -> None:
    command(watching, f"subscribe instant group:{seed.BOARD_GROUP}", PRIVATE)
    bot = watching.bot
    reviews = HeldBack()
    # The join listener as the app binds it, with its background review held back.
    audiences = ChannelAudiences(
        client=bot.app.client,
        slack_users=bot.slack_users,
        identities=bot.identities,
        portal=watching.portal,
        repository=watching.store.channel_audience,
        subscriptions=watching.store.subscriptions,
        background=reviews,
    )
    assert bot.lifecycle is not None
    watching.slack.join(PRIVATE, GUEST)
    member_joined(
        lambda: None, {"channel": PRIVATE, "user": GUEST}, audiences=audiences, lifecycle=bot.lifecycle
    )
    Board(watching).thread("Salaries", CommunityGroupId=seed.BOARD_GROUP)

    watching.bot.relay.run_once()

    assert not posted(watching, PRIVATE, "Salaries")
    assert len(watching.store.channel_audience.subscription_pauses()) == 1  # the poll reviewed it first
    reviews.release()  # the review the join asked for lands: it finds the same guest
    assert len(watching.store.channel_audience.subscription_pauses()) == 1
