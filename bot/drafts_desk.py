"""What a member does with a draft: submit a form, press Retry, reopen it to edit.

A submission is saved as a draft first, so nothing typed is lost whatever Nexudus does,
then posted on a background thread the listener may wait on for a while.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import NamedTuple

from bot.clock import Clock
from bot.outcomes import Outcome, Posted
from bot.posting import ThreadPoster
from bot.thread_form import NewThreadForm
from bot.thread_links import thread_url
from store.drafts import DraftRepository
from store.models import Draft


class Submission(NamedTuple):
    draft: Draft
    outcome: Future[Outcome]  # posting, on a background thread


@dataclass(frozen=True)
class NotYours:
    """A draft button pressed by someone other than the draft's author."""

    author: str  # Slack user id


class DraftsDesk:
    def __init__(
        self,
        *,
        drafts: DraftRepository,
        poster: ThreadPoster,
        background: Executor,
        thread_url_template: str | None,
        clock: Clock,
    ) -> None:
        self._drafts = drafts
        self._poster = poster
        self._background = background
        self._thread_url_template = thread_url_template
        self._clock = clock

    def submit_draft(self, key: str, slack_user_id: str, form: NewThreadForm) -> Submission:
        draft = self._drafts.save(key, slack_user_id, form.model_dump(mode="json"), self._clock())
        return Submission(draft, self._background.submit(self._poster.post, key))

    def draft_of(self, key: str, presser: str) -> Draft | NotYours | None:
        """The draft a button is for, if it is the presser's own."""
        draft = self._drafts.get(key)
        if draft is not None and draft.slack_user_id != presser:
            return NotYours(draft.slack_user_id)
        return draft

    def retry_draft(self, draft: Draft) -> Outcome:
        return self._poster.post(draft.key)

    def draft_for_edit(self, draft: Draft) -> NewThreadForm | Posted:
        """The form to reopen; a draft already on the board is that thread instead."""
        form = NewThreadForm.model_validate(draft.form)
        if draft.state == "posted" and draft.thread_id is not None:
            return Posted(
                draft.thread_id, form.subject, thread_url(self._thread_url_template, draft.thread_id)
            )
        return form
