"""One Nexudus request: rate limit, bearer token, 401 → renew once, errors → our exceptions.

Reads are retried with backoff; writes never are, since a write that timed out may
already have been applied (the caller decides, see ``PortalUnavailable.maybe_applied``).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from bot.portal.auth import TokenKeeper
from bot.portal.errors import (
    PortalAuthError,
    PortalError,
    PortalNotFound,
    PortalThrottled,
    PortalUnavailable,
)
from bot.portal.ratelimit import RateLimiter
from bot.portal.responses import rejection, retry_after_seconds

log = logging.getLogger(__name__)

READ_ATTEMPTS = 3
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class PortalTransport:
    def __init__(
        self,
        http: httpx.Client,
        tokens: TokenKeeper,
        limiter: RateLimiter,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._limiter = limiter
        self._sleep = sleep

    def read(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        for attempt in range(1, READ_ATTEMPTS + 1):
            try:
                return self._send("GET", path, params=params).json()
            except PortalThrottled:
                # The limiter now holds every call back for Retry-After (or raises
                # at once when that is too long to wait here).
                if attempt == READ_ATTEMPTS:
                    raise
            except PortalUnavailable:
                if attempt == READ_ATTEMPTS:
                    raise
                self._sleep(0.5 * 2**attempt + random.uniform(0, 0.25))
        raise AssertionError("unreachable")

    def write(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> httpx.Response:
        return self._send(method, path, json=body, write=True)

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Mapping[str, Any] | None = None,
        write: bool = False,
    ) -> httpx.Response:
        token = self._tokens.access_token()
        response = self._attempt(method, path, token, params, json, write)
        if response.status_code == 401:
            token = self._tokens.renew(token)
            response = self._attempt(method, path, token, params, json, write)
            if response.status_code == 401:
                raise PortalAuthError(
                    "Nexudus refused the bot's account: check that it is an admin with API access"
                )
        return self._checked(response, write)

    def _attempt(
        self,
        method: str,
        path: str,
        token: str,
        params: Mapping[str, Any] | None,
        json: Mapping[str, Any] | None,
        write: bool,
    ) -> httpx.Response:
        self._limiter.acquire(write=write)
        started = time.perf_counter()
        try:
            response = self._http.request(
                method,
                path,
                params=params,
                json=json,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            # Never left this machine: safe to retry even for a write.
            raise PortalUnavailable(f"cannot reach Nexudus: {type(error).__name__}") from error
        except httpx.TransportError as error:
            raise PortalUnavailable(
                f"Nexudus did not answer: {type(error).__name__}", maybe_applied=write
            ) from error
        log.debug(
            "nexudus %s %s -> %s in %.0f ms",
            method,
            path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    def _checked(self, response: httpx.Response, write: bool) -> httpx.Response:
        status = response.status_code
        if status in (409, 429):
            wait = retry_after_seconds(response)
            self._limiter.pause(wait)
            raise PortalThrottled(wait)
        if status >= 500:
            raise PortalUnavailable(f"Nexudus answered HTTP {status}", maybe_applied=write)
        if status == 404:
            raise PortalNotFound(f"{response.request.url.path} not found")
        if status == 403:
            raise PortalAuthError("the bot's Nexudus account lacks a role for this call")
        if status >= 400:
            raise rejection(response)
        return response


def is_transient(error: PortalError) -> bool:
    return isinstance(error, PortalUnavailable | PortalThrottled)
