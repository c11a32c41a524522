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
    PortalNotFound,
    PortalThrottled,
    PortalUnavailable,
)
from bot.portal.ratelimit import RateLimiter
from bot.portal.responses import rejection, retry_after_seconds

log = logging.getLogger(__name__)

READ_ATTEMPTS = 3
# A cheap list every account with the bot's roles can read: is the token itself refused?
PROBE_PATH = "/api/sys/businesses"
PROBE_MEMORY = 10.0
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class PortalTransport:
    def __init__(
        self,
        http: httpx.Client,
        tokens: TokenKeeper,
        limiter: RateLimiter,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._limiter = limiter
        self._sleep = sleep
        self._monotonic = monotonic
        self._probes: dict[str, tuple[float, bool]] = {}  # token → (when asked, accepted)
        # Told each answer's HTTP status, or "error" when none came (``bot.metrics``).
        self.on_response: Callable[[str], None] | None = None

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
            one_record = _about_one_record(method, path)
            if self._token_accepted(token):
                # The login is fine: the record is gone, or a role is missing for this list.
                raise _gone(method, path, response) if one_record else _role_missing(method, path)
            renewed = self._tokens.renew(token)
            if renewed is None:
                raise _account_refused(method, path)
            response = self._attempt(method, path, renewed, params, json, write)
            if response.status_code == 401:
                raise _gone(method, path, response) if one_record else _account_refused(method, path)
        return self._checked(response, write)

    def _token_accepted(self, token: str) -> bool:
        """Whether Nexudus takes this token at all (one small list call, remembered a few seconds).

        Live accounts answer 401 for a deleted record, for a write naming one and for a
        missing role (reference §15): only a token refused here is a broken login. The
        answer is kept a few seconds, so a poll full of deleted records asks once, not once
        per record, and a token revoked meanwhile is noticed within seconds (before records
        are wrongly taken for gone for long).
        """
        now = self._monotonic()
        known = self._probes.get(token)
        if known is not None and now - known[0] < PROBE_MEMORY:
            return known[1]
        response = self._attempt("GET", PROBE_PATH, token, {"size": 1}, None, False)
        accepted = response.status_code != 401
        if accepted:
            self._checked(response, write=False)  # a 5xx or throttle here is not a verdict
        self._probes = {token: (now, accepted)}
        return accepted

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
            self._answered("error")
            # Never left this machine: safe to retry even for a write.
            raise PortalUnavailable(f"cannot reach Nexudus: {type(error).__name__}") from error
        except httpx.TransportError as error:
            self._answered("error")
            raise PortalUnavailable(
                f"Nexudus did not answer: {type(error).__name__}", maybe_applied=write
            ) from error
        self._answered(str(response.status_code))
        log.debug(
            "nexudus %s %s -> %s in %.0f ms",
            method,
            path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    def _answered(self, status: str) -> None:
        if self.on_response is not None:
            self.on_response(status)

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


def _about_one_record(method: str, path: str) -> bool:
    return method != "GET" or path.rstrip("/").rpartition("/")[2].isdigit()


def _gone(method: str, path: str, response: httpx.Response) -> PortalNotFound:
    return PortalNotFound(f"{method} {path}: {_message(response) or 'refused'} (gone or forbidden)")


def _role_missing(method: str, path: str) -> PortalAuthError:
    return PortalAuthError(
        f"the bot's Nexudus account may not {method} {path}: give it the roles README.md lists"
    )


def _account_refused(method: str, path: str) -> PortalAuthError:
    return PortalAuthError(
        "Nexudus refused the bot's account: check that it is an admin with API access "
        f"and the roles README.md lists ({method} {path} answered 401)"
    )


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("Message") or "") if isinstance(body, dict) else ""
