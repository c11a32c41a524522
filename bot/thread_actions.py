"""Mute thread and Unfollow, pressed in Slack and written to Nexudus as the member."""

from __future__ import annotations

from bot.identity import IdentityService
from bot.outcomes import NotLinked
from bot.portal import NexudusClient


class ThreadActions:
    """Each verb raises ``PortalError`` when Nexudus cannot be changed; ``NotLinked`` means
    the member has no portal account to act as, and nothing was sent."""

    def __init__(self, *, identities: IdentityService, portal: NexudusClient) -> None:
        self._identities = identities
        self._portal = portal

    def mute_for(self, slack_user_id: str, thread_id: int) -> NotLinked | None:
        member = self._identities.resolve(slack_user_id)
        if member.portal_user_id is None:
            return NotLinked(member.email)
        self._portal.mute(thread_id, member.portal_user_id)
        return None

    def unfollow_for(self, slack_user_id: str, thread_id: int) -> NotLinked | None:
        member = self._identities.resolve(slack_user_id)
        if member.portal_user_id is None:
            return NotLinked(member.email)
        self._portal.unfollow(thread_id, member.portal_user_id)
        return None
