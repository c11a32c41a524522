"""Slack's 429 answers: retried after their Retry-After, each one counted for ``/metrics``.

The app's client retries whatever Retry-After Slack gives; the relay's sender bounds it
(``longest_wait``) so one send ends well within its outbox claim, and leaves a longer wait
to the outbox.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState


class CountingRateLimitRetry(RateLimitErrorRetryHandler):
    def __init__(
        self,
        *,
        max_retry_count: int = 1,
        count: Callable[[str], None] | None = None,
        longest_wait: int | None = None,
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.count = count  # told the Web API method of every 429, retried or not
        self.longest_wait = longest_wait  # None: any Retry-After is waited for in the call

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        if self.count is not None:
            self.count(request.url.rstrip("/").rpartition("/")[2] or "unknown")
        if self.longest_wait is not None and not self._short_wait(response):
            return False
        return super().can_retry(state=state, request=request, response=response, error=error)

    def _short_wait(self, response: HttpResponse) -> bool:
        retry_after = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), None)
        try:
            return retry_after is not None and int(retry_after[0]) <= (self.longest_wait or 0)
        except ValueError:
            return False


def bounded_retries(client: WebClient, *, longest_wait: int) -> WebClient:
    """A copy of ``client`` whose in-call 429 retries wait at most ``longest_wait`` seconds
    (the app's wait for any Retry-After), counted as the original's are."""
    bounded = copy.copy(client)
    handlers: list[RetryHandler] = []
    for handler in client.retry_handlers:
        if isinstance(handler, RateLimitErrorRetryHandler):
            count = handler.count if isinstance(handler, CountingRateLimitRetry) else None
            handler = CountingRateLimitRetry(
                max_retry_count=handler.max_retry_count, count=count, longest_wait=longest_wait
            )
        handlers.append(handler)
    bounded.retry_handlers = handlers
    return bounded
