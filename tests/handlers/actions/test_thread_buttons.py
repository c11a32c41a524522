"""The Mute thread / Unfollow listener called directly, with a fake ``Ack`` and the bound ThreadActions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest.mock import Mock

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.home import Home
from bot.outcomes import NotLinked
from bot.portal import PortalNotFound, PortalUnavailable
from bot.thread_actions import ThreadActions
from handlers.actions.thread_buttons import MUTED, UNFOLLOWED, change_thread


def pressed_on_a_message(thread_id: int = 42) -> dict[str, Any]:
    return {
        "user": {"id": "U1"},
        "actions": [{"value": str(thread_id)}],
        "container": {"type": "message"},
        "channel": {"id": "D1"},
        "message": {"ts": "1.2", "blocks": [{"type": "section"}, {"type": "actions"}]},
    }


def press(change: Callable[[str, int], NotLinked | None], *, done: str) -> tuple[Mock, Mock, Mock]:
    """Call the listener as Bolt would for a press on a relayed message; returns its fakes."""
    ack, client, respond = Mock(spec=Ack), Mock(spec=WebClient), Mock(spec=Respond)
    change_thread(
        ack, pressed_on_a_message(), client, respond, change=change, done=done, home=Mock(spec=Home)
    )
    return ack, client, respond


def test_mute_acks_mutes_as_the_presser_and_replaces_the_buttons() -> None:
    actions = Mock(spec=ThreadActions)
    actions.mute_for.return_value = None

    ack, client, respond = press(actions.mute_for, done=MUTED)

    ack.assert_called_once_with()
    actions.mute_for.assert_called_once_with("U1", 42)
    update = client.chat_update.call_args.kwargs
    assert update["text"].startswith("Muted") and update["channel"] == "D1"
    assert [b["type"] for b in update["blocks"]] == ["section", "context"]
    respond.assert_not_called()


def test_unfollow_for_a_member_without_a_portal_account_changes_nothing() -> None:
    actions = Mock(spec=ThreadActions)
    actions.unfollow_for.return_value = NotLinked("jane@example.com")

    ack, client, respond = press(actions.unfollow_for, done=UNFOLLOWED)

    ack.assert_called_once_with()
    assert "jane@example.com" in respond.call_args.kwargs["text"]
    client.chat_update.assert_not_called()


def test_nexudus_down_is_said_and_the_buttons_stay() -> None:
    actions = Mock(spec=ThreadActions)
    actions.mute_for.side_effect = PortalUnavailable("timed out")

    _ack, client, respond = press(actions.mute_for, done=MUTED)

    assert "could not be changed right now" in respond.call_args.kwargs["text"]
    client.chat_update.assert_not_called()


def test_a_nexudus_message_in_the_error_is_escaped() -> None:
    actions = Mock(spec=ThreadActions)
    # PortalNotFound and PortalRejected carry Nexudus's own "Message" text.
    actions.mute_for.side_effect = PortalNotFound("POST /mutes: <!channel> <https://evil.example|ok> (gone)")

    _ack, _client, respond = press(actions.mute_for, done=MUTED)

    text = respond.call_args.kwargs["text"]
    assert "<!channel>" not in text and "<https://evil.example|" not in text
    assert "&lt;!channel&gt;" in text
