"""``user_change``: a member's Slack profile changed (email, deactivation, status, title…);
``bot.profile_changes`` undoes what the old profile implied. No Nexudus call here, and no
Slack call but, once per process, ``auth.test`` (is the member of another organisation?)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.profile_changes import ProfileChanges


def user_changed(ack: Ack, event: dict[str, Any], *, profiles: ProfileChanges) -> None:
    ack()  # first: Slack sends one for every status emoji, and wants its answer within 3 s
    user = event.get("user")
    if not isinstance(user, dict) or not user.get("id"):
        return  # nobody named: nothing to update
    profiles.changed(user)
