"""The repository tests' fixed time (their fresh store is tests/conftest.py's ``store``)."""

from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
