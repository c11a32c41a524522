"""The draft-retry job: post drafts whose retry time has come, and tell their authors.

One bot process at a time runs it (the ``draft-retry`` lease): a draft's own claim keeps
it from posting twice, but two passes would each tell its author.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from bot.leases import LeaseKeeper
from bot.outcomes import Outcome
from bot.posting import ThreadPoster
from store.drafts import DraftRepository
from store.models import Draft

log = logging.getLogger(__name__)

DRAFT_RETRY_LEASE = "draft-retry"


class DraftNotifier(Protocol):
    def tell(self, draft: Draft, outcome: Outcome) -> None:
        """Let the draft's author know what happened to it."""


def retry_due_drafts(
    *, poster: ThreadPoster, drafts: DraftRepository, notifier: DraftNotifier, now: datetime
) -> int:
    """One pass over due drafts; returns how many were attempted.

    None are attempted while Nexudus refuses the bot's login: each would fail the same way,
    and the relay's poll finds when it works again (``bot.nexudus_login``); drafts wait."""
    if poster.paused() is not None:
        return 0
    due = drafts.due(now)
    for draft in due:
        outcome = poster.post(draft.key)
        log.info("retried draft %s: %s", draft.key, type(outcome).__name__)
        notifier.tell(draft, outcome)
    return len(due)


def retry_drafts_exclusively(
    leases: LeaseKeeper,
    *,
    poster: ThreadPoster,
    drafts: DraftRepository,
    notifier: DraftNotifier,
    now: datetime,
) -> int | None:
    """``retry_due_drafts`` under the draft-retry lease; None if another process runs it."""
    with leases.hold(DRAFT_RETRY_LEASE) as held:
        if not held:
            return None
        return retry_due_drafts(poster=poster, drafts=drafts, notifier=notifier, now=now)
