"""The admin audit trail: link, unlink, subscribe, unsubscribe and replay each leave one
entry naming the admin, shown by ``/newthread status`` and ``python -m bot audit``."""

from __future__ import annotations

import io
from typing import Any

from bot.audit import run_audit
from emulators import seed
from emulators.stack import LocalStack
from handlers import ids
from store.audit import AuditEntry
from tests.conftest import wait_for

NOT_ADMIN = seed.JANE


def slash(stack: LocalStack, user: str, text: str, channel: str = "C100") -> dict[str, Any]:
    before = len(stack.slack.responses)
    assert stack.driver.slash(user, text, channel_id=channel).status_code == 200
    return dict(wait_for(lambda: stack.slack.responses[before:])[0])


def trail(stack: LocalStack) -> list[AuditEntry]:
    return stack.store.audit.recent(100)


def test_link_and_unlink_each_leave_one_entry_naming_the_admin(stack: LocalStack) -> None:
    slash(stack, seed.ADMIN, f"link <@{seed.NOBODY}> omar@example.com")
    slash(stack, seed.ADMIN, f"unlink <@{seed.NOBODY}>")

    link, unlink = trail(stack)
    assert (link.actor, link.action, link.target) == (seed.ADMIN, "link", seed.NOBODY)
    assert f"portal user {seed.OMAR_USER_ID}" in link.detail
    assert (unlink.actor, unlink.action, unlink.target) == (seed.ADMIN, "unlink", seed.NOBODY)
    linked = stack.store.identities.manual_links()
    assert linked == []  # and the link itself is gone


def test_a_manual_link_stores_who_made_it_and_when(stack: LocalStack) -> None:
    slash(stack, seed.ADMIN, f"link <@{seed.NOBODY}> {seed.LEE_USER_ID}")

    (link,) = stack.store.identities.manual_links()
    assert link.linked_by == seed.ADMIN and link.linked_at is not None


def test_refused_or_empty_actions_leave_no_entry(stack: LocalStack) -> None:
    slash(stack, NOT_ADMIN, f"link <@{seed.NOBODY}> omar@example.com")  # not an admin
    slash(stack, seed.ADMIN, f"link <@{seed.NOBODY}> ghost@example.com")  # no such account
    slash(stack, seed.ADMIN, f"unlink <@{seed.NOBODY}>")  # nothing to unlink
    slash(stack, seed.ADMIN, "unsubscribe")  # nothing subscribed

    assert trail(stack) == []


def test_subscribe_and_unsubscribe_each_leave_one_entry(stack: LocalStack) -> None:
    slash(stack, seed.ADMIN, "subscribe instant location:1200001", channel="C200")
    slash(stack, seed.ADMIN, "unsubscribe", channel="C200")

    subscribe, unsubscribe = trail(stack)
    assert (subscribe.actor, subscribe.action, subscribe.target) == (seed.ADMIN, "subscribe", "C200")
    assert "instant" in subscribe.detail and "location:1200001" in subscribe.detail
    assert (unsubscribe.actor, unsubscribe.action, unsubscribe.target) == (seed.ADMIN, "unsubscribe", "C200")


def test_a_subscription_slack_refuses_is_recorded_as_undone(stack: LocalStack) -> None:
    stack.slack.not_in_channels.add("C300")

    slash(stack, seed.ADMIN, "subscribe", channel="C300")

    assert [(e.action, e.target) for e in trail(stack)] == [("subscribe", "C300"), ("unsubscribe", "C300")]
    assert "not_in_channel" in trail(stack)[1].detail


def test_replay_leaves_one_entry_naming_the_admin_who_pressed(stack: LocalStack) -> None:
    button = {"type": "button", "action_id": ids.REPLAY_FAILED_ACTION, "value": "replay"}
    message = {"blocks": [{"type": "actions", "elements": [button]}], "ts": "1.2", "text": "status"}

    stack.driver.press(NOT_ADMIN, message, ids.REPLAY_FAILED_ACTION, channel_id="C100")
    stack.driver.press(seed.ADMIN, message, ids.REPLAY_FAILED_ACTION, channel_id="C100")
    wait_for(lambda: len(stack.slack.responses) == 2)

    (replay,) = trail(stack)
    assert (replay.actor, replay.action, replay.target) == (seed.ADMIN, "replay", "outbox")


def test_status_shows_the_last_admin_actions(stack: LocalStack) -> None:
    slash(stack, seed.ADMIN, f"link <@{seed.NOBODY}> omar@example.com")

    status = slash(stack, seed.ADMIN, "status")

    assert f"<@{seed.ADMIN}> link <@{seed.NOBODY}>" in status["text"]
    assert any("Admin actions" in b.get("text", {}).get("text", "") for b in status["blocks"])


def test_the_command_line_prints_one_line_per_entry_newest_last(stack: LocalStack) -> None:
    slash(stack, seed.ADMIN, f"link <@{seed.NOBODY}> omar@example.com")
    slash(stack, seed.ADMIN, f"unlink <@{seed.NOBODY}>")
    out = io.StringIO()

    assert run_audit(stack.settings, 1, out) == 0

    (line,) = out.getvalue().splitlines()
    assert " UTC " in line and f"{seed.ADMIN}  unlink  {seed.NOBODY}" in line
