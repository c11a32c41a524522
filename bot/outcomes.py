"""What became of one attempt to post a thread; handlers turn each into a message or view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.thread_form import FormField


@dataclass(frozen=True)
class Posted:
    thread_id: int
    subject: str
    url: str | None = None
    share_problem: str | None = None  # why the channel card could not be posted


@dataclass(frozen=True)
class Rejected:
    """Input the user must change, by the place in the form that shows it."""

    errors: dict[FormField, str]


@dataclass(frozen=True)
class NotLinked:
    """The poster has no portal account we can find; nothing was sent to Nexudus."""

    email: str | None


@dataclass(frozen=True)
class Deferred:
    """Nexudus is down, slow or throttling: the draft is kept and retried at ``retry_at``."""

    reason: str
    retry_at: datetime


@dataclass(frozen=True)
class GaveUp:
    """Automatic retries ran out; the draft waits for the user's Retry or Edit."""

    reason: str


@dataclass(frozen=True)
class Busy:
    """Another attempt for the same submission is running (a double click)."""


Outcome = Posted | Rejected | NotLinked | Deferred | GaveUp | Busy
