"""Each channel's next turn to be written to by the bot (a post or an edit), shared by every
process on the database so that Slack's per-channel pace holds across them."""

from __future__ import annotations

from datetime import datetime, timedelta

from store.database import SqliteFile
from store.models import from_text, to_text


class ChannelTurnRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def take_turn(
        self, channel_id: str, now: datetime, every: timedelta, longest_wait: timedelta
    ) -> timedelta:
        """Take the channel's next turn and say how long until it comes (zero: now). Turns
        are ``every`` apart, in the order processes take them; one further off than
        ``longest_wait`` (turns piled up, or the clock was set back) is not waited for: the
        queue starts again from now, and Slack's Retry-After paces what follows."""
        with self._file.transaction() as db:
            row = db.execute(
                "SELECT next_at FROM channel_turns WHERE channel_id = ?", [channel_id]
            ).fetchone()
            booked = from_text(row[0]) if row is not None else None
            turn = max(now, booked) if booked is not None and booked - now <= longest_wait else now
            db.table("channel_turns").upsert(
                {"channel_id": channel_id, "next_at": to_text(turn + every)}, pk="channel_id"
            )
        return turn - now
