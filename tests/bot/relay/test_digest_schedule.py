"""Digests come once a day at local digest time, right across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.relay.digests import DigestSender
from bot.relay.keys import PersonDigest, ReplyItem
from bot.timekeeping import latest_occurrence, zone_or_utc
from emulators import seed
from emulators.stack import LocalStack
from store.relay_models import DigestItem
from tests.bot.relay.conftest import dms_to
from tests.conftest import queue_new_thread, subscribe


def digest_sender(stack: LocalStack, now: list[datetime]) -> DigestSender:
    relay = stack.bot.relay.digests
    return DigestSender(
        portal=stack.portal,
        digests=stack.store.digests,
        subscriptions=stack.store.subscriptions,
        preferences=stack.store.preferences,
        slack_users=stack.bot.slack_users,
        renderer=relay._render,
        default_time=time(8, 0),
        default_zone=lambda: zone_or_utc("UTC"),
        clock=lambda: now[0],
    )


def queue_reply(stack: LocalStack, user: str, reply_id: int, at: datetime) -> None:
    thread = {"id": 1, "subject": "Spring", "location": "Canal Street", "author": "Omar"}
    reply = {"id": reply_id, "thread_id": 1, "author": "Omar", "text": f"reply {reply_id}"}
    stack.store.digests.add(
        [
            DigestItem(
                target=PersonDigest(user).text(),
                item_key=ReplyItem(reply_id).text(),
                payload={"thread": thread, "reply": reply},
                created_at=at,
            )
        ]
    )


@pytest.mark.parametrize(
    ("day_before", "change_day", "due_utc"),
    [
        # Europe/London springs forward on 2026-03-29: 08:00 local is 07:00 UTC that day.
        (
            datetime(2026, 3, 28, 12, tzinfo=UTC),
            datetime(2026, 3, 29, tzinfo=UTC),
            datetime(2026, 3, 29, 7, tzinfo=UTC),
        ),
        # ...and falls back on 2026-10-25: 08:00 local is 08:00 UTC that day.
        (
            datetime(2026, 10, 24, 12, tzinfo=UTC),
            datetime(2026, 10, 25, tzinfo=UTC),
            datetime(2026, 10, 25, 8, tzinfo=UTC),
        ),
    ],
)
def test_personal_digest_on_a_daylight_saving_day(
    relay_stack: LocalStack, day_before: datetime, change_day: datetime, due_utc: datetime
) -> None:
    now = [day_before]
    sender = digest_sender(relay_stack, now)
    queue_reply(relay_stack, seed.JANE, 1, day_before)  # Jane's Slack time zone: Europe/London

    sent_at = []
    moment = change_day
    while moment < change_day + timedelta(hours=12):
        now[0] = moment
        if sender.run():
            sent_at.append(moment)
        moment += timedelta(minutes=1)

    assert sent_at == [due_utc]
    relay_stack.bot.relay.sender.deliver_due()
    assert len(dms_to(relay_stack, seed.JANE)) == 1


def test_digest_follows_the_persons_own_time_and_zone(relay_stack: LocalStack) -> None:
    relay_stack.store.preferences.set(seed.OMAR, digest_time="18:30")  # Omar: Europe/Madrid
    start = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    now = [start]
    sender = digest_sender(relay_stack, now)
    queue_reply(relay_stack, seed.OMAR, 1, start)

    now[0] = datetime(2026, 6, 1, 16, 29, tzinfo=UTC)
    assert sender.run() == 0
    now[0] = datetime(2026, 6, 1, 16, 30, tzinfo=UTC)  # 18:30 in Madrid (CEST)
    assert sender.run() == 1


def test_nothing_waiting_means_no_digest(relay_stack: LocalStack) -> None:
    assert relay_stack.bot.relay.digests.run(force=True) == 0


def test_latest_occurrence_never_skips_or_doubles_a_day() -> None:
    zone = zone_or_utc("America/New_York")
    moments = {
        latest_occurrence(time(2, 30), zone, datetime(2026, 3, 7, tzinfo=UTC) + timedelta(hours=h))
        for h in range(96)
    }

    # One a day, on consecutive days, including 8 March when 02:30 does not exist locally.
    days = [m.astimezone(zone).day for m in sorted(moments)]
    assert days == [6, 7, 8, 9, 10]


def test_a_subscription_keeps_its_own_digest_time(relay_stack: LocalStack) -> None:
    start = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    subscription = subscribe(relay_stack.store, "CEVENING", "digest", digest_time="17:30", now=start)
    queue_new_thread(relay_stack.store, subscription, "Evening", at=start)
    now = [start]
    sender = digest_sender(relay_stack, now)  # the bot's zone here: UTC; default time 08:00

    now[0] = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert sender.run() == 0
    now[0] = datetime(2026, 6, 1, 17, 29, tzinfo=UTC)
    assert sender.run() == 0
    now[0] = datetime(2026, 6, 1, 17, 30, tzinfo=UTC)
    assert sender.run() == 1
