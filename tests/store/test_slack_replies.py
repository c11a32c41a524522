"""The Slack replies repository: one claim per Slack message, take-overs, and the echo lookup."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.relay_models import OutboxMessage
from store.slack_replies import STALE_CLAIM
from tests.store.conftest import NOW

CHANNEL, TS = "CBOARD", "1700000001.000200"


def claim(store: Store, ts: str = TS, channel: str = CHANNEL) -> bool:
    return store.slack_replies.claim(
        channel=channel, ts=ts, slack_user_id="UJANE", thread_id=1, text="hi", now=NOW
    )


def test_a_slack_message_is_claimed_once(store: Store) -> None:
    assert claim(store) is True
    assert claim(store) is False
    assert claim(store, channel="COTHER") is True  # ts is unique per channel only


def test_a_fresh_posting_claim_cannot_be_taken_over_but_a_stale_one_can_once(store: Store) -> None:
    claim(store)
    later = NOW + STALE_CLAIM + timedelta(seconds=1)

    assert store.slack_replies.take_over(CHANNEL, TS, NOW + timedelta(seconds=30)) is None
    taken = store.slack_replies.take_over(CHANNEL, TS, later)
    assert taken is not None and taken.state == "posting" and taken.updated_at == later
    assert store.slack_replies.take_over(CHANNEL, TS, later) is None  # the other process loses


def test_failed_replies_can_be_taken_over_posted_and_deleted_ones_cannot(store: Store) -> None:
    for ts in ("1.1", "1.2", "1.3"):
        claim(store, ts)
    store.slack_replies.mark_failed(CHANNEL, "1.1", "Nexudus is down", NOW, held=NOW)
    store.slack_replies.mark_posted(CHANNEL, "1.2", 55, NOW, held=NOW)
    store.slack_replies.mark_deleted(CHANNEL, "1.3", NOW)
    later = NOW + timedelta(hours=1)

    assert store.slack_replies.take_over(CHANNEL, "1.1", later) is not None
    assert store.slack_replies.take_over(CHANNEL, "1.2", later) is None
    assert store.slack_replies.take_over(CHANNEL, "1.3", later) is None


def test_stuck_lists_only_stale_posting_claims(store: Store) -> None:
    claim(store, "1.1")
    claim(store, "1.2")
    store.slack_replies.mark_posted(CHANNEL, "1.2", 55, NOW, held=NOW)

    assert store.slack_replies.stuck(NOW) == []
    assert [r.ts for r in store.slack_replies.stuck(NOW + STALE_CLAIM + timedelta(seconds=1))] == ["1.1"]


def test_channels_of_names_where_portal_replies_were_typed(store: Store) -> None:
    claim(store, "1.1")
    store.slack_replies.mark_posted(CHANNEL, "1.1", 55, NOW, held=NOW)

    assert store.slack_replies.channels_of([55, 56]) == {55: CHANNEL}
    assert store.slack_replies.channels_of([]) == {}
    assert store.slack_replies.recorded_reply_ids([55, 56]) == {55}


def test_the_outbox_finds_a_sent_message_by_where_slack_put_it(store: Store) -> None:
    message = OutboxMessage(
        key="thread:1:channel:CBOARD", target=CHANNEL, text="t", blocks=[], created_at=NOW
    )
    store.outbox.add([message])
    assert store.outbox.sent_at(CHANNEL, TS) == []  # pending: not in Slack yet

    store.outbox.mark_sent(message.key, CHANNEL, TS, NOW)

    assert [m.key for m in store.outbox.sent_at(CHANNEL, TS)] == [message.key]
    assert store.outbox.sent_at("COTHER", TS) == []


def test_only_the_claims_holder_renews_or_finishes_it(store: Store) -> None:
    claim(store)
    renewed = NOW + timedelta(seconds=90)
    later = renewed + STALE_CLAIM + timedelta(seconds=1)

    assert store.slack_replies.renew(CHANNEL, TS, NOW, renewed) is True
    assert store.slack_replies.take_over(CHANNEL, TS, NOW + STALE_CLAIM + timedelta(seconds=1)) is None
    assert store.slack_replies.renew(CHANNEL, TS, NOW, later) is False  # the old stamp is spent
    assert store.slack_replies.take_over(CHANNEL, TS, later) is not None
    assert store.slack_replies.mark_posted(CHANNEL, TS, 55, later, held=renewed) is False
    assert store.slack_replies.mark_failed(CHANNEL, TS, "down", later, held=renewed) is False
    assert store.slack_replies.mark_posted(CHANNEL, TS, 56, later, held=later) is True
    assert store.slack_replies.get(CHANNEL, TS).reply_id == 56  # type: ignore[union-attr]


def test_a_reply_made_under_a_lost_claim_is_adopted_only_where_none_is_recorded(store: Store) -> None:
    for ts in ("1.1", "1.2", "1.3"):
        claim(store, ts)
    store.slack_replies.mark_posted(CHANNEL, "1.2", 55, NOW, held=NOW)
    store.slack_replies.mark_deleted(CHANNEL, "1.3", NOW)

    assert store.slack_replies.adopt(CHANNEL, "1.1", 54, NOW) is True  # still "posting"
    assert store.slack_replies.adopt(CHANNEL, "1.2", 57, NOW) is False  # has its own
    assert store.slack_replies.adopt(CHANNEL, "1.3", 58, NOW) is False  # the member deleted it
    assert store.slack_replies.recorded_reply_ids([54, 55, 57, 58]) == {54, 55}


def test_an_edit_keeps_the_claim_stamp(store: Store) -> None:
    claim(store)

    store.slack_replies.set_text(CHANNEL, TS, "hello")

    assert store.slack_replies.renew(CHANNEL, TS, NOW, NOW + timedelta(seconds=1)) is True


def test_withdraw_and_revise_touch_only_replies_not_yet_posted(store: Store) -> None:
    for ts in ("1.1", "1.2", "1.3"):
        claim(store, ts)
    store.slack_replies.mark_failed(CHANNEL, "1.2", "Nexudus is down", NOW, held=NOW)
    store.slack_replies.mark_posted(CHANNEL, "1.3", 55, NOW, held=NOW)

    assert [store.slack_replies.revise(CHANNEL, ts, "edited") for ts in ("1.1", "1.2", "1.3")] == [
        True,  # still "posting": the attempt carries the edit over
        True,  # failed: Retry posts it
        False,  # posted: the edit goes to the board the usual way
    ]
    assert store.slack_replies.renew(CHANNEL, "1.1", NOW, NOW + timedelta(seconds=1)) is True  # claim kept
    assert [store.slack_replies.withdraw(CHANNEL, ts, NOW) for ts in ("1.1", "1.2", "1.3")] == [
        True,
        True,
        False,
    ]
    assert [store.slack_replies.get(CHANNEL, ts).state for ts in ("1.1", "1.2", "1.3")] == [  # type: ignore[union-attr]
        "deleted",
        "deleted",
        "posted",
    ]


def test_an_attempt_records_its_reply_only_if_the_text_it_posted_is_still_the_kept_one(store: Store) -> None:
    claim(store)
    store.slack_replies.revise(CHANNEL, TS, "edited while posting")

    assert store.slack_replies.mark_posted(CHANNEL, TS, 55, NOW, held=NOW, text="hi") is False
    assert (
        store.slack_replies.mark_posted(CHANNEL, TS, 55, NOW, held=NOW, text="edited while posting") is True
    )
