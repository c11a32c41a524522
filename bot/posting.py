"""Posting a saved draft to Nexudus exactly once, as the member who wrote it.

The draft's key goes into ``SystemId``. After an attempt that may have reached Nexudus
(timeout, 5xx) the next attempt first looks for the thread it may have made
(``bot.sent_threads``: by ``SystemId`` when Nexudus keeps it, else by what was sent).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import utc_now
from bot.identity import IdentityService
from bot.nexudus_login import NexudusLogin
from bot.outcomes import Busy, Deferred, GaveUp, NotLinked, Outcome, Posted, Rejected
from bot.portal import NexudusClient, PortalAuthError, PortalError, PortalNotFound, PortalRejected
from bot.portal.bodies import to_portal_html
from bot.portal.models import GroupAccess, NewThread
from bot.portal.timestamps import STAMP_SLACK
from bot.refusals import (
    GONE_REASON,
    TRY_AGAIN_LATER,
    asked_to_wait,
    field_errors,
    may_have_reached_nexudus,
    postpone_reason,
)
from bot.sent_threads import find_sent_thread
from bot.slack_users import SlackUsers
from bot.thread_form import FormField, NewThreadForm
from bot.thread_links import thread_url
from store.drafts import DraftRepository
from store.models import Draft, Identity

log = logging.getLogger(__name__)

RETRY_WINDOW = timedelta(hours=1)
FIRST_RETRY = 30.0
LONGEST_RETRY = 600.0


class ChannelSharer(Protocol):
    def share(self, channel_id: str, form: NewThreadForm, poster: Identity, thread: Posted) -> str | None:
        """Post the thread's card in a channel; returns why not, or None."""


def system_id(key: str) -> str:
    return f"slack:{key}"


class ThreadPoster:
    def __init__(
        self,
        *,
        portal: NexudusClient,
        identities: IdentityService,
        slack_users: SlackUsers,
        drafts: DraftRepository,
        sharer: ChannelSharer,
        thread_url_template: str | None,
        clock: Callable[[], datetime] = utc_now,
        login: NexudusLogin | None = None,
    ) -> None:
        self._login = login  # told when Nexudus refuses the bot, and when it works again
        self._portal = portal
        self._identities = identities
        self._slack_users = slack_users
        self._drafts = drafts
        self._sharer = sharer
        self._thread_url_template = thread_url_template
        self._clock = clock

    def paused(self) -> str | None:
        """Why retries wait (Nexudus refuses the bot's login), or None."""
        return self._login.refusal() if self._login is not None else None

    def post(self, key: str) -> Outcome:
        draft = self._drafts.get(key)
        if draft is None:
            raise KeyError(key)
        if draft.state == "posted" and draft.thread_id is not None:
            form = NewThreadForm.model_validate(draft.form)
            return Posted(
                draft.thread_id, form.subject, thread_url(self._thread_url_template, draft.thread_id)
            )
        if not self._drafts.claim(key, self._clock()):
            return Busy()
        try:
            outcome = self._attempt(self._drafts.get(key) or draft)
        except TRY_AGAIN_LATER as error:
            if isinstance(error, PortalAuthError) and self._login is not None:
                self._login.refused(error)
            return self._postpone(draft, error)
        if isinstance(outcome, Posted) and self._login is not None:
            self._login.works()
        return outcome

    def _attempt(self, draft: Draft) -> Outcome:
        form = NewThreadForm.model_validate(draft.form)
        poster = self._identities.resolve(draft.slack_user_id)
        if poster.state != "linked" or poster.portal_user_id is None:
            self._drafts.fail(draft.key, "no portal account", self._clock())
            return NotLinked(poster.email)
        guests, unmapped = self._guest_ids(form)
        if unmapped:
            self._drafts.fail(draft.key, "unmapped guests", self._clock())
            names = ", ".join(unmapped)
            return Rejected(
                {
                    FormField.GUESTS: f"No portal account found for {names}. "
                    "Remove them, or ask an admin to link them."
                }
            )
        thread = self._new_thread(draft, form, poster, guests)
        thread_id = self._already_posted(draft, thread) if draft.ambiguous else None
        if thread_id is None:
            try:
                thread_id = self._portal.create_thread(thread)
            except PortalRejected as error:
                self._drafts.fail(draft.key, str(error), self._clock())
                return Rejected(field_errors(error))
            except PortalNotFound:
                return self._someone_gone(draft, form)
        self._drafts.mark_posted(draft.key, thread_id, self._clock())
        posted = Posted(thread_id, form.subject, thread_url(self._thread_url_template, thread_id))
        return self._shared(form, poster, posted)

    def _guest_ids(self, form: NewThreadForm) -> tuple[list[int], list[str]]:
        ids: list[int] = []
        unmapped: list[str] = []
        for slack_id in form.guest_slack_ids:
            guest = self._identities.resolve(slack_id)
            if guest.state == "linked" and guest.portal_user_id is not None:
                ids.append(guest.portal_user_id)
            else:
                unmapped.append(self._slack_users.name(slack_id))
        return list(dict.fromkeys(ids)), unmapped

    def _new_thread(
        self, draft: Draft, form: NewThreadForm, poster: Identity, guests: list[int]
    ) -> NewThread:
        message = form.message
        if form.source is not None:
            link = self._slack_users.permalink(form.source.channel_id, form.source.message_ts)
            message = f"{message}\n\n(From Slack: {link})" if link else message
        assert poster.portal_user_id is not None
        return NewThread(
            business_id=form.business_id,
            user_id=poster.portal_user_id,
            coworker_id=poster.coworker_id,
            community_group_id=form.group_id,
            subject=form.subject,
            message=to_portal_html(message),
            tags=form.tags_text(),
            instant_delivery=form.instant_delivery,
            private=form.private,
            guests=guests,
            include_zoom_invite=form.zoom is not None,
            zoom_event_data=form.zoom.event_data() if form.zoom else None,
            system_id=system_id(draft.key),
        )

    def _already_posted(self, draft: Draft, sent: NewThread) -> int | None:
        """The thread an earlier, ambiguous attempt made, if Nexudus has it."""
        since = draft.created_at - STAMP_SLACK
        rows = self._portal.threads_posted_by(sent.business_id, sent.user_id, since)

        def taken(ids: list[int]) -> set[int]:
            return {i for i, key in self._drafts.posted_as(ids).items() if key != draft.key}

        found = find_sent_thread(
            rows, sent, key=draft.key, first_attempt=draft.created_at, now=self._clock(), taken=taken
        )
        if found is not None:
            log.info("draft %s had reached Nexudus as thread %s", draft.key, found)
        return found

    def _someone_gone(self, draft: Draft, form: NewThreadForm) -> Rejected:
        """A 401 on create that a fresh token still gets: a record the body names is gone."""
        self._identities.forget_lookups([draft.slack_user_id, *form.guest_slack_ids])
        self._drafts.fail(draft.key, "a person named on it is gone from Nexudus", self._clock())
        field = FormField.GUESTS if form.guest_slack_ids else FormField.GENERAL
        return Rejected({field: GONE_REASON})

    def _shared(self, form: NewThreadForm, poster: Identity, posted: Posted) -> Posted:
        if form.share_channel_id is None:
            return posted
        if form.private:
            return _with_problem(posted, "Private threads are never shared in channels.")
        if form.group_id is not None:
            try:
                # Fresh, not cached: a group turned Private must never leak.
                access = self._portal.group(form.group_id).group_access
            except PortalError:
                return _with_problem(
                    posted, "Could not check the group's access level, so it was not shared."
                )
            if access == GroupAccess.PRIVATE:
                return _with_problem(posted, "Threads in Private groups are never shared in channels.")
        return _with_problem(posted, self._sharer.share(form.share_channel_id, form, poster, posted))

    def _postpone(self, draft: Draft, error: Exception) -> Outcome:
        now = self._clock()
        reason = postpone_reason(error)
        # A refused login is the bot's trouble, not the draft's: it waits however long an
        # admin takes (they are told), and is posted once the login works again.
        if now - draft.created_at >= RETRY_WINDOW and not isinstance(error, PortalAuthError):
            self._drafts.fail(draft.key, reason, now)
            return GaveUp(reason)
        current = self._drafts.get(draft.key) or draft
        backoff = min(FIRST_RETRY * 2 ** max(current.attempts - 1, 0), LONGEST_RETRY)
        wait = max(backoff, asked_to_wait(error))
        ambiguous = may_have_reached_nexudus(error)
        retry_at = now + timedelta(seconds=wait)
        self._drafts.defer(draft.key, reason, ambiguous=ambiguous, retry_at=retry_at, now=now)
        log.warning("draft %s deferred (%s), retry at %s", draft.key, reason, retry_at.isoformat())
        return Deferred(reason, retry_at)


def _with_problem(posted: Posted, problem: str | None) -> Posted:
    return Posted(posted.thread_id, posted.subject, posted.url, problem)
