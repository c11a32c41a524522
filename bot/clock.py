"""The one place the bot reads the wall clock, so services and jobs can take ``now``."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
