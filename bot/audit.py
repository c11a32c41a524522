"""The admin audit trail's verb: every admin action is recorded here, with who did it."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from bot.clock import Clock, utc_now
from store.audit import AuditAction, AuditEntry, AuditRepository

if TYPE_CHECKING:
    from bot.config import Settings

SHOWN = 10  # entries `/newthread status` shows


class AuditTrail:
    def __init__(self, entries: AuditRepository, *, clock: Clock = utc_now) -> None:
        self._entries = entries
        self._clock = clock

    def record(self, actor: str, action: AuditAction, target: str, detail: str = "") -> AuditEntry:
        return self._entries.add(
            AuditEntry(at=self._clock(), actor=actor, action=action, target=target, detail=detail)
        )

    def recent(self, limit: int = SHOWN) -> list[AuditEntry]:
        """The last ``limit`` entries, oldest first."""
        return self._entries.recent(limit)


def audit_line(entry: AuditEntry) -> str:
    """One entry as the command line prints it: when (UTC), who, what, target, detail."""
    line = f"{entry.at:%Y-%m-%d %H:%M:%S} UTC  {entry.actor}  {entry.action}  {entry.target}"
    return f"{line}  {entry.detail}" if entry.detail else line


def run_audit(settings: Settings, limit: int, out: TextIO) -> int:
    """``python -m bot audit [--limit N]``: the last ``limit`` entries, one line each."""
    from store import Store

    store = Store(settings.database)
    try:
        entries = AuditTrail(store.audit).recent(limit)
    finally:
        store.close()
    for entry in entries:
        out.write(audit_line(entry) + "\n")
    if not entries:
        out.write("No admin actions recorded yet.\n")
    return 0
