"""What the relay's two Slack writers (posts and ``chat.update``) share: each channel's pace,
and why a call failed, with the Retry-After Slack gave."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from store.channel_turns import ChannelTurnRepository

# A turn further off than this means turns piled up (many processes) or the clock was set
# back: go now and let Slack's Retry-After pace it, rather than hold a pass for minutes.
LONGEST_TURN_WAIT = 3.0


class ChannelPace:
    """Each channel's pace: a write waits its turn, ``seconds`` after the one before. The
    turns are kept in the bot's database, so they are shared by every process and by posts
    and edits alike; each write takes the channel's next turn, then waits for it."""

    def __init__(self, seconds: float, turns: ChannelTurnRepository, clock: Clock) -> None:
        self._seconds = seconds
        self._turns = turns
        self._clock = clock

    def wait(self, channel: str, sleep: Callable[[float], object]) -> None:
        """Take ``channel``'s next turn and wait for it (with ``sleep``)."""
        if self._seconds <= 0:
            return  # no pace (tests): no turn to take
        every, longest = timedelta(seconds=self._seconds), timedelta(seconds=LONGEST_TURN_WAIT)
        wait = self._turns.take_turn(channel, self._clock(), every, longest).total_seconds()
        if wait > 0:
            sleep(wait)


def slack_failure(error: Exception) -> tuple[str, float | None]:
    """Why a Slack call failed (its error code, or that Slack could not be reached), and the
    seconds of Retry-After it gave, if any (ignored unless a number)."""
    if not isinstance(error, SlackApiError):
        return f"cannot reach Slack: {type(error).__name__}", None
    header = error.response.headers.get("Retry-After") if error.response.headers else None
    try:
        retry_after = float(header) if header is not None else None
    except ValueError:
        retry_after = None
    return str(error.response.get("error")), retry_after
