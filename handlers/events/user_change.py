"""``user_change``: a member's Slack profile changed (email, deactivation, status, title…).
The profile cache takes the one the event carries, and an automatic portal link the change
undoes is forgotten (``bot.identity``); no Slack or Nexudus call here."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.identity import IdentityService
from bot.slack_users import SlackUsers


def user_changed(
    ack: Ack, event: dict[str, Any], *, slack_users: SlackUsers, identities: IdentityService
) -> None:
    ack()  # first: Slack sends one for every status emoji, and wants its answer within 3 s
    user = event.get("user")
    if not isinstance(user, dict) or not user.get("id"):
        return  # nobody named: nothing to update
    identities.profile_changed(slack_users.changed(user))
