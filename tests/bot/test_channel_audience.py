"""The audience cache and the pauses: members read across pages with their flags, a pause
is one transition whichever process sees it first, and a paused channel's messages wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.channel_audience import ChannelAudiences
from bot.clock import utc_now
from emulators import seed
from emulators.stack import LocalStack
from store import Store
from store.channel_audience import ChannelAudience, ChannelAudienceRepository
from store.relay_models import OutboxMessage
from tests.conftest import subscribe

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def notice(key: str, target: str = "user:UADMIN") -> OutboxMessage:
    return OutboxMessage(key=key, target=target, text="t", blocks=[], created_at=NOW)


def test_members_are_read_across_pages_with_guests_outsiders_bots_and_the_deactivated_flagged(
    stack: LocalStack,
) -> None:
    many = [f"UMEMBER{n:03d}" for n in range(210)]  # more than one page of 200
    for user in many:
        stack.slack.add_user(user, f"Member {user}", None)
    stack.slack.add_user("UGUEST", "Gus Guest", None, is_restricted=True)
    stack.slack.add_user("UOTHER", "Olga Other", None, team_id="T2")
    stack.slack.add_user("UAPP", "Some App", None, is_bot=True)
    stack.slack.add_user("UGONE", "Gone Person", None, deleted=True)
    stack.slack.add_channel("CBIG", [*many, "UGUEST", "UOTHER", "UAPP", "UGONE"], is_private=True)

    audience = stack.bot.audiences.refresh("CBIG")

    assert len(audience.people()) == 212  # the bot itself, apps and deactivated people read nothing
    assert {m.user_id for m in audience.outsiders()} == {"UGUEST", "UOTHER"}
    assert audience.limited and audience.is_private and not audience.shared
    assert stack.store.channel_audience.get("CBIG") == audience


def test_a_shared_channel_is_limited_even_with_only_colleagues_in_it(stack: LocalStack) -> None:
    stack.slack.add_channel("CCONNECT", [seed.JANE], is_shared=True, is_ext_shared=True)

    audience = stack.bot.audiences.refresh("CCONNECT")

    assert audience.limited and audience.outsiders() == []


def test_a_subscription_is_paused_once_whichever_process_sees_it_first(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores

    told = [
        first.channel_audience.pause_subscription(
            7, "a guest joined", NOW, [notice("alert:a:1:raised:user:UADMIN")]
        ),
        second.channel_audience.pause_subscription(
            7, "a guest joined", NOW, [notice("alert:a:2:raised:user:UADMIN")]
        ),
    ]

    assert told == [True, False]
    assert first.outbox.count("pending") == 1


def test_a_paused_channels_messages_wait_and_are_due_again_when_it_resumes(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    first.outbox.add([notice("post:1:CGONE", target="CGONE"), notice("dm:1", target="user:UJANE")])

    first.channel_audience.pause_channel("CGONE", "removed", "the bot is no longer in this channel", NOW)

    assert [m.key for m in second.outbox.due(NOW)] == ["dm:1"]
    assert not second.outbox.claim("post:1:CGONE", "B", NOW, NOW)
    assert second.channel_audience.resume_channel("CGONE", ["removed"])
    assert {m.key for m in first.outbox.due(NOW)} == {"post:1:CGONE", "dm:1"}


def test_a_review_reads_each_group_once_however_many_subscriptions_filter_to_it(stack: LocalStack) -> None:
    stack.slack.add_channel("CBOARDS", [seed.JANE], is_private=True)
    for mode in ("instant", "digest"):
        subscribe(stack.store, "CBOARDS", mode, group_id=seed.BOARD_GROUP)
    path = f"/api/community/communitygroups/{seed.BOARD_GROUP}"
    before = len(stack.nexudus.calls("GET", path))

    stack.bot.audiences.review("CBOARDS")

    assert len(stack.nexudus.calls("GET", path)) - before == 1


def test_stale_channels_reviewed_in_one_pass_read_their_group_once(stack: LocalStack) -> None:
    channels = ["CBOARD1", "CBOARD2", "CBOARD3"]
    subscriptions = []
    for channel in channels:  # never reviewed: stale
        stack.slack.add_channel(channel, [seed.JANE], is_private=True)
        subscriptions.append(subscribe(stack.store, channel, group_id=seed.BOARD_GROUP))
    path = f"/api/community/communitygroups/{seed.BOARD_GROUP}"
    before = len(stack.nexudus.calls("GET", path))

    stack.bot.audiences.postable(subscriptions)

    assert len(stack.nexudus.calls("GET", path)) - before == 1


def test_a_pause_notice_names_ten_non_members_and_counts_the_rest(stack: LocalStack) -> None:
    crowd = [f"UCROWD{n:03d}" for n in range(300)]
    for user in crowd:
        stack.slack.add_user(user, f"Someone With A Rather Long Name {user}", None)
    stack.slack.add_channel("CCROWD", crowd, is_private=True)
    subscribe(stack.store, "CCROWD", group_id=seed.BOARD_GROUP)

    stack.bot.audiences.review("CCROWD")

    [pause] = stack.store.channel_audience.subscription_pauses().values()
    assert pause.reason.endswith("and 290 more")
    [notice] = stack.store.outbox.in_state("pending")
    assert len(notice.blocks[0]["text"]["text"]) <= 3000


def test_confirm_posts_nothing_in_a_channel_whose_audience_was_forgotten_and_pauses_nothing(
    stack: LocalStack,
) -> None:
    stack.slack.add_channel("CBOARDS", [seed.JANE], is_private=True)
    subscription = subscribe(stack.store, "CBOARDS", group_id=seed.BOARD_GROUP)
    stack.bot.audiences.refresh("CBOARDS")
    stack.store.channel_audience.forget("CBOARDS", utc_now())  # a join event, its review not done yet

    assert stack.bot.audiences.confirm([subscription], seed.BOARD_GROUP) == []

    assert stack.store.channel_audience.subscription_pauses() == {}  # the review settles it, once


class GuestJoinsDuringTheFirstRead(ChannelAudienceRepository):
    """A join event lands (in this process or another) between a read and its write."""

    def __init__(self, stack: LocalStack) -> None:
        super().__init__(stack.store.file)
        self._stack = stack
        self.writes = 0

    def remember(self, audience: ChannelAudience, *, read_since: datetime) -> bool:
        self.writes += 1
        if self.writes == 1:
            self._stack.slack.join(audience.channel_id, "UGUEST")
            self.forget(audience.channel_id, utc_now())
        return super().remember(audience, read_since=read_since)


def test_a_read_overtaken_by_a_join_is_read_again_never_cached_stale(stack: LocalStack) -> None:
    stack.slack.add_user("UGUEST", "Gus Guest", None, is_restricted=True)
    stack.slack.add_channel("CQUIET", [seed.JANE], is_private=True)
    racing = GuestJoinsDuringTheFirstRead(stack)
    audiences = ChannelAudiences(
        client=stack.bot.app.client,
        slack_users=stack.bot.slack_users,
        identities=stack.bot.identities,
        portal=stack.portal,
        repository=racing,
        subscriptions=stack.store.subscriptions,
    )

    audience = audiences.refresh("CQUIET")

    assert racing.writes == 2
    assert [m.user_id for m in audience.outsiders()] == ["UGUEST"]
    assert stack.store.channel_audience.get("CQUIET") == audience


def test_a_slow_read_never_overwrites_a_later_one_or_a_forget(two_stores: tuple[Store, Store]) -> None:
    first, second = two_stores
    t0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    old = ChannelAudience(channel_id="C1", is_private=True, shared=False, members=(), refreshed_at=t0)
    newer = old.model_copy(update={"shared": True, "refreshed_at": t0 + timedelta(seconds=3)})

    second.channel_audience.forget("C1", t0 + timedelta(seconds=1))  # a join, in another process
    assert not first.channel_audience.remember(old, read_since=t0)
    assert first.channel_audience.get("C1") is None
    assert second.channel_audience.remember(newer, read_since=t0 + timedelta(seconds=2))
    assert not first.channel_audience.remember(old, read_since=t0)  # older than what is kept
    assert first.channel_audience.get("C1") == newer
