"""Portal users as the relay needs them: a name to show and, if any, their Slack user.

Manual links from ``/newthread link`` apply in this direction too. Lookups go by the
portal user's email (``users.lookupByEmail``), cached with negative results. A Slack account
deactivated since is no one's: nothing is sent to it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.clock import utc_now
from bot.portal import NexudusClient, PortalNotFound
from bot.slack_users import SlackProfile, SlackUsers
from store.identities import IdentityRepository
from store.portal_people import PortalPeopleRepository
from store.relay_models import PortalPerson

FOUND_TTL = timedelta(days=1)
# Followers without Slack accounts are common; asking again hourly is plenty.
MISSING_TTL = timedelta(hours=1)


class PortalPeople:
    def __init__(
        self,
        *,
        portal: NexudusClient,
        slack_users: SlackUsers,
        identities: IdentityRepository,
        cache: PortalPeopleRepository,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._portal = portal
        self._slack_users = slack_users
        self._identities = identities
        self._cache = cache
        self._clock = clock

    def person(self, portal_user_id: int) -> PortalPerson:
        now = self._clock()
        # Manual links first (find_by_portal_user's order): they win over any email match.
        linked = self._identities.find_by_portal_user(portal_user_id)
        cached = self._cache.get(portal_user_id)
        if cached is None or (cached.expires_at is not None and cached.expires_at <= now):
            cached = self._look_up(portal_user_id, linked[0].slack_user_id if linked else None, now)
        if linked and linked[0].source == "manual":
            cached = cached.model_copy(update={"slack_user_id": linked[0].slack_user_id})
        if cached.slack_user_id and self._deactivated(cached.slack_user_id):
            return cached.model_copy(update={"slack_user_id": None})
        return cached

    def _linked_to(self, portal_user_id: int) -> set[str]:
        return {identity.slack_user_id for identity in self._identities.find_by_portal_user(portal_user_id)}

    def profile_changed(self, profile: SlackProfile) -> None:
        """Slack says this member's profile changed (``user_change``): the portal users matched
        to them by an email they no longer have are theirs no more, and the portal user of
        their new email may be now. (A deactivation needs nothing here: ``person`` checks it.)"""
        self._cache.forget_matches_undone(profile.user_id, profile.email)

    def _deactivated(self, slack_user_id: str) -> bool:
        # SlackUsers caches profiles for minutes, so a poll asks Slack once per person.
        profile = self._slack_users.profile(slack_user_id)
        return profile is None or profile.deleted

    def name(self, portal_user_id: int | None) -> str:
        if portal_user_id is None:
            return "Someone"
        return self.person(portal_user_id).full_name or "A member"

    def _look_up(self, portal_user_id: int, linked_slack_id: str | None, now: datetime) -> PortalPerson:
        seen = self._slack_users.changes_seen()
        try:
            user = self._portal.user(portal_user_id)
        except PortalNotFound:
            user = None
        email = user.email if user else None
        slack_id = linked_slack_id or (self._slack_users.user_by_email(email) if email else None)
        person = PortalPerson(
            portal_user_id=portal_user_id,
            full_name=user.full_name if user else None,
            email=email,
            slack_user_id=slack_id,
            checked_at=now,
            expires_at=now + (FOUND_TTL if slack_id else MISSING_TTL),
        )
        self._cache.remember(person)
        relinked = linked_slack_id is not None and linked_slack_id not in self._linked_to(portal_user_id)
        if relinked or self._slack_users.changed_since(seen, user_id=slack_id, email=email):
            # The link used was undone, or the member matched (or one who took this email)
            # changed meanwhile, in any process: the match may be by an email just given up
            # or taken. Used this once, looked up again next time. (Kept first, checked
            # after: a change recorded later forgets it itself.)
            self._cache.forget(portal_user_id)
        return person
