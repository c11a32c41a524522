"""The one place the bot reads the wall clock. Services, jobs and listeners take a ``Clock``
(``create_app(clock=…)``), so tests pass their own instead of patching."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
