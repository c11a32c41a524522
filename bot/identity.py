"""Slack user → Nexudus account: by Slack-verified email, or by an admin's manual link.

Automatic results are cached (a day when found, minutes when not); manual links win
and never expire. Nobody can claim an account themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.clock import utc_now
from bot.portal import NexudusClient, PortalNotFound
from bot.portal.models import Coworker, PortalUser
from bot.slack_users import SlackUsers
from store.identities import IdentityRepository
from store.models import Identity, IdentitySource

FOUND_TTL = timedelta(days=1)
MISSING_TTL = timedelta(minutes=10)


class LinkTargetNotFound(Exception):
    """An admin's ``link`` named an email or user id Nexudus does not know."""


class IdentityService:
    def __init__(
        self,
        *,
        portal: NexudusClient,
        slack_users: SlackUsers,
        identities: IdentityRepository,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._portal = portal
        self._slack_users = slack_users
        self._identities = identities
        self._clock = clock

    def cached(self, slack_user_id: str) -> Identity | None:
        """What the store knows, fresh or not; never calls anyone (safe before ``ack``)."""
        return self._identities.get(slack_user_id)

    def resolve(self, slack_user_id: str) -> Identity:
        """The user's portal identity (state "linked" or "missing"); may raise PortalError."""
        now = self._clock()
        known = self._identities.get(slack_user_id)
        if known is not None and known.is_fresh(now):
            return known
        profile = self._slack_users.profile(slack_user_id)
        email = profile.email if profile else None
        found = self._by_email(slack_user_id, email, "email", now) if email else None
        identity = found or Identity(
            slack_user_id=slack_user_id,
            state="missing",
            source="email",
            email=email,
            checked_at=now,
            expires_at=now + MISSING_TTL,
        )
        self._identities.remember(identity)
        return self._identities.get(slack_user_id) or identity

    def link(self, slack_user_id: str, reference: str) -> Identity:
        """Admin-only: link to the portal account with this email or user id."""
        now = self._clock()
        reference = reference.strip()
        if reference.isdigit():
            identity = self._by_user_id(slack_user_id, int(reference), now)
        else:
            identity = self._by_email(slack_user_id, reference, "manual", now)
        if identity is None:
            raise LinkTargetNotFound(reference)
        self._identities.remember(identity)
        return identity

    def unlink(self, slack_user_id: str) -> bool:
        return self._identities.forget(slack_user_id)

    def forget_lookups(self, slack_user_ids: list[str]) -> None:
        """Look these people up afresh next time (their cached records may be gone from
        Nexudus); an admin's manual link is kept, as only an admin may change it."""
        for slack_user_id in slack_user_ids:
            self._identities.forget_lookup(slack_user_id)

    def _by_email(
        self, slack_user_id: str, email: str, source: IdentitySource, now: datetime
    ) -> Identity | None:
        coworker = _preferred(self._portal.coworkers_by_email(email))
        if coworker is not None and coworker.user_id is None:
            # List rows may leave UserId out (reference §11): the single GET has it.
            coworker = self._portal.coworker(coworker.id)
        user_id = coworker.user_id if coworker else None
        user: PortalUser | None = None
        if user_id is None:
            users = sorted(self._portal.users_by_email(email), key=lambda u: not u.active)
            user = users[0] if users else None
            user_id = user.id if user else None
        if user_id is None:
            return None
        return Identity(
            slack_user_id=slack_user_id,
            state="linked",
            source=source,
            portal_user_id=user_id,
            coworker_id=coworker.id if coworker else None,
            full_name=(coworker.full_name if coworker else None) or (user.full_name if user else None),
            email=email,
            home_business_id=coworker.invoicing_business_id if coworker else None,
            checked_at=now,
            expires_at=None if source == "manual" else now + FOUND_TTL,
        )

    def _by_user_id(self, slack_user_id: str, user_id: int, now: datetime) -> Identity | None:
        try:
            user = self._portal.user(user_id)
        except PortalNotFound:
            return None
        if user.email:
            by_email = self._by_email(slack_user_id, user.email, "manual", now)
            if by_email is not None and by_email.portal_user_id == user_id:
                return by_email
        return Identity(
            slack_user_id=slack_user_id,
            state="linked",
            source="manual",
            portal_user_id=user.id,
            full_name=user.full_name,
            email=user.email,
            checked_at=now,
        )


def _preferred(coworkers: list[Coworker]) -> Coworker | None:
    """Active profiles first, then the default profile, then those with a portal login."""
    ranked = sorted(
        coworkers,
        key=lambda c: (not c.active, not c.is_default_profile, c.user_id is None, c.id),
    )
    return ranked[0] if ranked else None
