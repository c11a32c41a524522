"""The ``user_change`` listener called directly, with a fake ``Ack``: it acks first, then hands
the event's user to ``ProfileChanges``."""

from __future__ import annotations

from typing import Any
from unittest.mock import Mock, create_autospec

from slack_bolt import Ack

from bot.profile_changes import ProfileChanges
from handlers.events.user_change import user_changed
from tests.bot.test_profile_changes import EVENT, JANE


def profiles() -> Mock:
    changes: Mock = create_autospec(ProfileChanges, instance=True, spec_set=True)
    return changes


def test_acks_first_then_hands_the_user_over() -> None:
    changes, ack = profiles(), Mock(spec=Ack)
    seen: list[str] = []
    ack.side_effect = lambda: seen.append("ack")
    changes.changed.side_effect = lambda user: seen.append("changed")

    user_changed(ack, EVENT, profiles=changes)

    assert seen == ["ack", "changed"]
    changes.changed.assert_called_once_with(JANE)


def test_an_event_naming_nobody_is_acked_and_ignored() -> None:
    changes, ack = profiles(), Mock(spec=Ack)
    odd: dict[str, Any] = {"type": "user_change", "user": "UJANE"}  # a bare id, not a user object

    user_changed(ack, odd, profiles=changes)

    ack.assert_called_once_with()
    assert changes.mock_calls == []
