"""Slack user → Nexudus account: by Slack-verified email, or by an admin's manual link.

Automatic results are cached (a day when found, minutes when not) and forgotten at once
when Slack reports a profile change that undoes them (``profile_changed``); manual links win
and never expire. Nobody can claim an account themselves. An automatic link goes only to an
active portal account: once it is deactivated, the next lookup finds no account (with the
reason). Someone of another organisation (Slack Connect) is never linked by email: their
email is vouched for by their workspace, not ours. Admins' links and unlinks go to the
audit trail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk.errors import SlackClientError

from bot.account_choice import preferred_profile, why_picked
from bot.audit import AuditTrail
from bot.clock import utc_now
from bot.portal import NexudusClient, PortalNotFound
from bot.portal.models import PortalUser
from bot.slack_users import SlackProfile, SlackUsers, lookup_basis
from store.identities import IdentityRepository
from store.models import Identity, IdentitySource
from store.slack_profiles import fold_email

log = logging.getLogger(__name__)

FOUND_TTL = timedelta(days=1)
MISSING_TTL = timedelta(minutes=10)
FROM_ELSEWHERE = (
    "a member of another organisation (Slack Connect): their email is not matched; "
    "an admin may link them by hand"
)


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
        audit: AuditTrail | None = None,  # None: nothing recorded (unit tests, the demo)
    ) -> None:
        self._audit = audit
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
        seen = self._slack_users.changes_seen()
        profile = self._slack_users.profile(slack_user_id)
        elsewhere = profile is not None and self._slack_users.from_elsewhere(profile)
        email = profile.email if profile and not elsewhere else None
        found = self._by_email(slack_user_id, email, "email", now) if email else None
        identity = found or Identity(
            slack_user_id=slack_user_id,
            state="missing",
            source="email",
            email=email,
            reason=FROM_ELSEWHERE if elsewhere else None,
            checked_at=now,
            expires_at=now + MISSING_TTL,
        )
        self._identities.remember(identity)
        # Kept first, checked after: a user_change recorded before this check is seen here,
        # one recorded after it forgets what was kept (``profile_changed``), in any process.
        changed = self._slack_users.changed_since(seen, user_id=slack_user_id, email=None)
        if changed and self._overtaken(profile, slack_user_id):
            # The answer is for the old profile: good for the action under way, not kept.
            self._identities.forget_lookup(slack_user_id)
            return identity
        return self._identities.get(slack_user_id) or identity

    def _overtaken(self, used: SlackProfile | None, slack_user_id: str) -> bool:
        """Whether the profile a lookup used is no longer the member's. When Slack cannot
        say now, it counts as overtaken: a doubtful answer is not kept for a day."""
        try:
            return _moved_on(used, self._slack_users.profile(slack_user_id))
        except (SlackClientError, OSError) as error:
            log.warning(
                "profile of %s not read again after a change (%s): lookup not kept", slack_user_id, error
            )
            return True

    def link(self, slack_user_id: str, reference: str, *, by: str | None = None) -> Identity:
        """Admin-only: link to the portal account with this email or user id; ``by`` is the admin."""
        now = self._clock()
        reference = reference.strip()
        if reference.isdigit():
            identity = self._by_user_id(slack_user_id, int(reference), now)
        else:
            identity = self._by_email(slack_user_id, reference, "manual", now)
        if identity is None or identity.state != "linked":
            raise LinkTargetNotFound(reference)
        identity = identity.model_copy(update={"linked_by": by, "linked_at": now})
        self._identities.remember(identity)
        if self._audit is not None and by is not None:
            self._audit.record(by, "link", slack_user_id, portal_account(identity))
        return identity

    def unlink(self, slack_user_id: str, *, by: str | None = None) -> bool:
        before = self._identities.get(slack_user_id)
        removed = self._identities.forget(slack_user_id)
        if removed and before is not None and self._audit is not None and by is not None:
            self._audit.record(by, "unlink", slack_user_id, f"was {portal_account(before)}")
        return removed

    def forget_lookups(self, slack_user_ids: list[str]) -> None:
        """Look these people up afresh next time (their cached records may be gone from
        Nexudus); an admin's manual link is kept, as only an admin may change it."""
        for slack_user_id in slack_user_ids:
            self._identities.forget_lookup(slack_user_id)

    def profile_changed(self, profile: SlackProfile) -> bool:
        """Slack says this member's profile changed (``user_change``): forget their automatic
        result when the profile no longer supports it, so their next action looks again.
        Any other change costs one SQLite read; an admin's manual link is kept. True when
        something was forgotten. Never calls Nexudus."""
        known = self._identities.get(profile.user_id)
        if known is None or known.source == "manual" or not _outdated_by(known, profile):
            return False
        # Someone of another organisation is never matched by email (``resolve``): their
        # "missing" result holds whatever their email becomes, and a fresh look would write
        # the same row again. (``from_elsewhere`` asks Slack's auth.test once per process.)
        if known.state == "missing" and self._slack_users.from_elsewhere(profile):
            return False
        return self._identities.forget_lookup(profile.user_id)

    def _by_email(
        self, slack_user_id: str, email: str, source: IdentitySource, now: datetime
    ) -> Identity | None:
        """The account with this email; for an automatic lookup, an active one only (else a
        "missing" identity saying why), and any other users the email matched."""
        automatic = source == "email"
        coworkers = self._portal.coworkers_by_email(email)
        coworker = preferred_profile([c for c in coworkers if c.active or not automatic])
        if coworker is not None and coworker.user_id is None:
            # List rows may leave UserId out (reference §11): the single GET has it.
            coworker = self._portal.coworker(coworker.id)
        user_id = coworker.user_id if coworker else None
        user: PortalUser | None = None
        users: list[PortalUser] = []
        # A customer whose every profile is deactivated is deactivated, whatever their login.
        if user_id is None and not (automatic and coworkers):
            users = sorted(self._portal.users_by_email(email), key=lambda u: not u.active)
            user = next((u for u in users if u.active or not automatic), None)
            user_id = user.id if user else None
        matched = {c.user_id for c in coworkers if c.user_id} | {u.id for u in users}
        if user_id is None:
            if not (automatic and (coworkers or users)):
                return None
            gone = ", ".join(str(i) for i in sorted(matched)) or f"coworker {coworkers[0].id}"
            return Identity(
                slack_user_id=slack_user_id,
                state="missing",
                source=source,
                email=email,
                reason=f"the portal account with this email is deactivated ({gone})",
                checked_at=now,
                expires_at=now + MISSING_TTL,
            )
        others = tuple(sorted(matched - {user_id}))
        return Identity(
            slack_user_id=slack_user_id,
            state="linked",
            source=source,
            portal_user_id=user_id,
            coworker_id=coworker.id if coworker else None,
            full_name=(coworker.full_name if coworker else None) or (user.full_name if user else None),
            email=email,
            home_business_id=coworker.invoicing_business_id if coworker else None,
            other_user_ids=others,
            reason=why_picked(coworker, user) if others else None,
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


def _moved_on(before: SlackProfile | None, now: SlackProfile | None) -> bool:
    """Whether the profile changed in what a lookup depends on (its email, deactivation)."""
    if before is None or now is None:
        return before is not now
    return lookup_basis(before) != lookup_basis(now)


def _outdated_by(known: Identity, profile: SlackProfile) -> bool:
    """Whether an automatic result no longer fits the member's new profile: they were
    deactivated in Slack, or their email is not the one it was looked up by (an email newly
    set on a "missing" result counts: it may now match an account)."""
    return profile.deleted or fold_email(profile.email) != fold_email(known.email)


def portal_account(identity: Identity) -> str:
    """The portal account an identity names, as the audit trail and the admins' report say it."""
    name = identity.full_name or identity.email
    return f"portal user {identity.portal_user_id}" + (f" ({name})" if name else "")
