"""A member's Slack profile changes (Slack's ``user_change``, signed, through the real app):
the bot acts on the new profile at once instead of when its caches expire."""

from __future__ import annotations

from bot.clock import utc_now
from bot.relay.keys import DmTarget, PersonDigest
from emulators import seed
from emulators.stack import LocalStack
from store.relay_models import OutboxMessage
from tests.bot.relay.conftest import Board, dms_to, restarted
from tests.bot.relay.test_digest_schedule import queue_reply
from tests.conftest import choose_location, open_modal, wait_for

NEW_EMAIL = "jane.smith@example.com"
SMITH_USER_ID, SMITH_COWORKER_ID = 3400090, 5600190


def post_thread(stack: LocalStack, subject: str) -> dict[str, object]:
    """Jane starts a thread with /newthread; returns what Nexudus was asked to create."""
    view = choose_location(stack, open_modal(stack, text=subject), seed.CANAL_STREET)
    answer = stack.driver.submit(seed.JANE, view, message="Hello")
    assert answer.json()["response_action"] == "update"
    return next(t for t in stack.nexudus.created() if t["Subject"] == subject)


def add_portal_member(stack: LocalStack, email: str) -> None:
    """Another portal account (Jane's after she married, say), with its own profile."""
    stack.nexudus.add("User", Id=SMITH_USER_ID, Email=email, FullName="Jane Smith", Active=True)
    stack.nexudus.add(
        "Coworker",
        Id=SMITH_COWORKER_ID,
        UserId=SMITH_USER_ID,
        Email=email,
        FullName="Jane Smith",
        Active=True,
        IsDefaultProfile=True,
        InvoicingBusinessId=seed.CANAL_STREET,
    )


def test_after_an_email_change_the_next_thread_is_posted_as_the_new_account(stack: LocalStack) -> None:
    add_portal_member(stack, NEW_EMAIL)
    assert post_thread(stack, "Before")["UserId"] == seed.JANE_USER_ID  # linked by her old email
    asked_slack = len(stack.slack.calls_to("users.info"))

    answer = stack.driver.user_change(seed.JANE, profile={"email": NEW_EMAIL})

    assert answer.status_code == 200
    wait_for(lambda: stack.bot.identities.cached(seed.JANE) is None)  # the day-long link forgotten
    after = post_thread(stack, "After")
    assert (after["UserId"], after["CoworkerId"]) == (SMITH_USER_ID, SMITH_COWORKER_ID)
    # The event is a nudge: Slack is asked for her profile once, when it is next needed.
    assert len(stack.slack.calls_to("users.info")) == asked_slack + 1


def test_a_member_deactivated_in_slack_gets_no_dm_right_after_the_event(stack: LocalStack) -> None:
    board = Board(stack)
    stack.bot.identities.resolve(seed.JANE)
    stack.bot.relay.run_once()  # watch from now
    thread = board.thread(InstantDelivery=True)
    board.follow(thread)
    board.reply(thread, "Racks arrive Monday")
    stack.bot.relay.run_once()
    assert len(dms_to(stack, seed.JANE)) == 1  # active: her profile is now cached as such

    answer = stack.driver.user_change(seed.JANE, deleted=True)

    assert answer.status_code == 200
    wait_for(lambda: stack.bot.identities.cached(seed.JANE) is None)  # the event was handled
    board.reply(thread, "Racks arrived")
    stack.bot.relay.run_once()
    assert len(dms_to(stack, seed.JANE)) == 1  # nothing more, though her cached profile was fresh


def test_after_an_email_change_dms_about_the_old_account_no_longer_reach_her(stack: LocalStack) -> None:
    add_portal_member(stack, NEW_EMAIL)
    board = Board(stack)
    stack.bot.relay.run_once()  # watch from now
    thread = board.thread(InstantDelivery=True)
    board.follow(thread, seed.JANE_USER_ID)  # the account of her old email
    board.follow(thread, SMITH_USER_ID)  # and the account of her new one
    board.reply(thread, "Racks arrive Monday")
    stack.bot.relay.run_once()
    assert len(dms_to(stack, seed.JANE)) == 1  # one person: the old account's match is her

    stack.driver.user_change(seed.JANE, profile={"email": NEW_EMAIL})
    people = stack.store.portal_people
    wait_for(lambda: people.get(seed.JANE_USER_ID) is None and people.get(SMITH_USER_ID) is None)
    board.reply(thread, "Racks arrived")
    stack.bot.relay.run_once()

    later = dms_to(stack, seed.JANE)[1:]
    assert len(later) == 1 and "Racks arrived" in str(later[0])
    # That DM was for the account that is hers now; the one whose email she gave up is nobody's.
    old, new = people.get(seed.JANE_USER_ID), people.get(SMITH_USER_ID)
    assert old is not None and old.slack_user_id is None
    assert new is not None and new.slack_user_id == seed.JANE


def deactivate_jane(stack: LocalStack) -> None:
    """Jane's account deactivated in Slack; returns once the bot has recorded it."""
    assert stack.driver.user_change(seed.JANE, deleted=True).status_code == 200
    wait_for(lambda: stack.store.slack_profiles.reported(seed.JANE))


def test_a_member_deactivated_gets_no_dm_from_another_process_either(stack: LocalStack) -> None:
    board = Board(stack)
    with restarted(stack) as other:
        other.relay.run_once()  # watch from now
        thread = board.thread(InstantDelivery=True)
        board.follow(thread)
        board.reply(thread, "Racks arrive Monday")
        other.relay.run_once()
        assert len(dms_to(stack, seed.JANE)) == 1  # the other process now holds her profile, active

        deactivate_jane(stack)  # the event reaches this process only
        board.reply(thread, "Racks arrived")
        other.relay.run_once()

    assert len(dms_to(stack, seed.JANE)) == 1


def test_a_deactivated_members_waiting_digest_is_dropped(stack: LocalStack) -> None:
    queue_reply(stack, seed.JANE, 1, utc_now())

    deactivate_jane(stack)

    assert stack.bot.relay.digests.run(force=True) == 0
    stack.bot.relay.sender.deliver_due()
    assert dms_to(stack, seed.JANE) == []
    assert stack.store.digests.waiting(PersonDigest(seed.JANE).text()) == []


def test_a_dm_queued_before_the_deactivation_is_not_sent(stack: LocalStack) -> None:
    queued = OutboxMessage(
        key="notice:jane", target=DmTarget(seed.JANE).text(), text="For Jane", blocks=[], created_at=utc_now()
    )
    stack.store.outbox.add([queued])

    deactivate_jane(stack)

    assert stack.bot.relay.sender.deliver_due() == 0
    assert dms_to(stack, seed.JANE) == []
    kept = stack.store.outbox.get("notice:jane")
    assert kept is not None and kept.state == "failed" and "deactivated" in (kept.last_error or "")


def test_another_process_looks_her_up_by_the_new_email_at_once(stack: LocalStack) -> None:
    add_portal_member(stack, NEW_EMAIL)
    with restarted(stack) as other:
        assert other.identities.resolve(seed.JANE).portal_user_id == seed.JANE_USER_ID  # profile cached

        answer = stack.driver.user_change(seed.JANE, profile={"email": NEW_EMAIL})  # this process only
        assert answer.status_code == 200
        wait_for(lambda: stack.store.identities.get(seed.JANE) is None)  # the event handled

        found = other.identities.resolve(seed.JANE)

    assert (found.portal_user_id, found.email) == (SMITH_USER_ID, NEW_EMAIL)
