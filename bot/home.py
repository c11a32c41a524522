"""What the Home tab shows a member: who they post as, their preferences, the threads they
follow (and to admins, the reconciliation report); and the preference verbs pressed on it.

Following is read from Nexudus on every open (one list call), subjects from a cache the
relay also fills, so an open GETs only threads not read within ``SUBJECT_TTL``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError

from bot.admins import Admins
from bot.clock import Clock
from bot.identity import IdentityService
from bot.portal import NexudusClient, PortalError, PortalNotFound
from bot.portal.models import Thread
from bot.portal.timestamps import wall_clock
from bot.reconciliation import Reconciler, ReconciliationReport
from bot.slack_users import SlackUsers
from bot.thread_links import thread_url
from store.models import Identity
from store.preferences import PreferenceRepository
from store.relay_models import Preferences, RepliesChoice
from store.thread_subjects import ThreadSubject, ThreadSubjectRepository

FOLLOWED_SHOWN = 10
# A subject rarely changes; an hour-old one on the Home tab is good enough.
SUBJECT_TTL = timedelta(hours=1)
# Nexudus lookups an admin's Home open may make for the report; the rest wait for the next
# open (each lookup is cached) or for `python -m bot people`.
HOME_LOOKUPS = 20
# The report walks users.list and makes up to HOME_LOOKUPS Nexudus lookups: made at most
# this often per process, whichever admin opens the tab or presses a button on it.
REPORT_TTL = timedelta(minutes=15)
# A report Slack refused is tried again sooner, but not on every open.
UNAVAILABLE_TTL = timedelta(minutes=1)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FollowedThread:
    thread_id: int
    subject: str
    url: str | None  # its portal page, if the portal's link is known


@dataclass(frozen=True)
class HomePage:
    identity: Identity | None
    followed: list[FollowedThread] | None  # None: not read from Nexudus yet
    preferences: Preferences
    default_digest_time: str
    tz: str | None  # the member's Slack time zone, which their digest follows
    admin: ReconciliationReport | None = None  # admins only, once read


def subject_of(thread: Thread, now: datetime) -> ThreadSubject:
    return ThreadSubject(
        thread_id=thread.id,
        subject=thread.subject,
        business_id=thread.business_id,
        updated_on=thread.updated_on,
        fetched_at=now,
    )


class Home:
    def __init__(
        self,
        *,
        identities: IdentityService,
        slack_users: SlackUsers,
        portal: NexudusClient,
        preferences: PreferenceRepository,
        subjects: ThreadSubjectRepository,
        default_digest_time: str,
        thread_url_template: str | None,
        clock: Clock,
        reconciler: Reconciler | None = None,
        admins: Admins | None = None,
    ) -> None:
        self._reconciler = reconciler
        self._admins = admins
        self._identities = identities
        self._slack_users = slack_users
        self._portal = portal
        self._preferences = preferences
        self._subjects = subjects
        self._default_digest_time = default_digest_time
        self._thread_url_template = thread_url_template
        self._clock = clock
        self._report_lock = threading.Lock()  # two admins opening at once make one report
        self._report: ReconciliationReport | None = None

    def known_page(self, slack_user_id: str) -> HomePage:
        """At once, from what is stored: followed threads not read yet."""
        profile = self._slack_users.profile(slack_user_id)
        return HomePage(
            self._identities.cached(slack_user_id),
            None,
            self._preferences.get(slack_user_id),
            self._default_digest_time,
            profile.tz if profile else None,
        )

    def page(self, slack_user_id: str) -> HomePage | None:
        """With the followed threads read now; None if Nexudus cannot be asked."""
        known = self.known_page(slack_user_id)
        try:
            identity = self._identities.resolve(slack_user_id)
            followed = self._followed(identity.portal_user_id) if identity.portal_user_id else []
        except PortalError:
            return None
        return HomePage(
            identity, followed, known.preferences, known.default_digest_time, known.tz,
            self._admin_report(slack_user_id),
        )  # fmt: skip

    def _admin_report(self, slack_user_id: str) -> ReconciliationReport | None:
        if self._reconciler is None or self._admins is None or not self._admins.is_admin(slack_user_id):
            return None
        with self._report_lock:
            now = self._clock()
            kept = self._report
            if kept is not None and kept.made_at is not None:
                ttl = UNAVAILABLE_TTL if kept.unavailable else REPORT_TTL
                if timedelta(0) <= now - kept.made_at < ttl:
                    return kept
            self._report = self._new_report(self._reconciler, now)
            return self._report

    @staticmethod
    def _new_report(reconciler: Reconciler, now: datetime) -> ReconciliationReport:
        try:
            report = reconciler.report(lookup_budget=HOME_LOOKUPS)
        except SlackApiError as error:
            # The rest of the Home tab is still worth publishing.
            log.warning("reconciliation report unavailable: %s", error)
            report = ReconciliationReport(unavailable=f"Slack refused: {error.response.get('error')}")
        report.made_at = now
        return report

    def choose_replies(self, slack_user_id: str, choice: RepliesChoice | None) -> None:
        """None: as Nexudus does."""
        self._preferences.set(slack_user_id, replies=choice)

    def choose_digest_time(self, slack_user_id: str, at: str) -> None:
        self._preferences.set(slack_user_id, digest_time=at)

    def _followed(self, portal_user_id: int) -> list[FollowedThread]:
        # Newest follows first, by their stamps: ids are not in creation order (reference §15).
        follows = sorted(
            self._portal.follows_of(portal_user_id),
            key=lambda f: wall_clock(f.created_on) or datetime.min,
            reverse=True,
        )[:FOLLOWED_SHOWN]
        now = self._clock()
        known = self._subjects.fresh([f.thread_id for f in follows], now=now, ttl=SUBJECT_TTL)
        read: list[ThreadSubject] = []
        for follow in follows:
            if follow.thread_id not in known:
                try:
                    read.append(subject_of(self._portal.thread(follow.thread_id), now))
                except PortalNotFound:
                    continue
        self._subjects.remember(read)
        known.update((s.thread_id, s) for s in read)
        return [
            FollowedThread(
                f.thread_id, known[f.thread_id].subject, thread_url(self._thread_url_template, f.thread_id)
            )
            for f in follows
            if f.thread_id in known
        ]
