"""What the relay's two Slack writers (posts and ``chat.update``) share: each channel's pace,
and why a call failed, with the Retry-After Slack gave."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from slack_sdk.errors import SlackApiError


class ChannelPace:
    """When this process last wrote to each channel, so the next write waits its turn.

    Per process: two processes writing to one channel at the same time may each go at this pace.
    """

    def __init__(self, seconds: float, monotonic: Callable[[], float]) -> None:
        self._seconds = seconds
        self._monotonic = monotonic
        self._last: dict[Hashable, float] = {}

    def wait(self, channel: Hashable, sleep: Callable[[float], object]) -> None:
        """Wait (with ``sleep``) until ``channel`` may be written to again."""
        last = self._last.get(channel)
        if last is not None:
            wait = self._seconds - (self._monotonic() - last)
            if wait > 0:
                sleep(wait)

    def wrote(self, channel: Hashable) -> None:
        self._last[channel] = self._monotonic()


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
