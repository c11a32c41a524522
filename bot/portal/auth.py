"""Nexudus password-grant tokens: log in once, refresh before expiry, keep them in the store.

The token endpoint wants a form-encoded body and a ``client_id`` header that must match
between login and refresh (reference §2).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from pydantic import SecretStr

from bot.clock import utc_now
from bot.portal.errors import PortalAuthError, PortalThrottled, PortalUnavailable
from bot.portal.responses import retry_after_seconds
from store.models import PortalSession
from store.portal_session import PortalSessionRepository

# Renew a little early so a token never expires between check and use.
EXPIRY_MARGIN = timedelta(minutes=5)
# A token renewed because of a 401 is not renewed again for this long: an account that
# Nexudus refuses costs one new grant every few minutes, not one per call.
RENEWAL_COOLDOWN = timedelta(minutes=5)


class TokenKeeper:
    def __init__(
        self,
        http: httpx.Client,
        *,
        username: str,
        password: SecretStr,
        sessions: PortalSessionRepository,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._http = http
        self._username = username
        self._password = password
        self._sessions = sessions
        self._clock = clock
        self._lock = threading.Lock()
        self._renewed_at: datetime | None = None  # this process's last renewal after a 401
        # Stable per account, so refreshes match logins across restarts.
        self.client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"nexudus-board-bot:{username}"))

    def access_token(self) -> str:
        with self._lock:
            session = self._sessions.load()
            if session is None or session.client_id != self.client_id:
                return self._log_in().access_token
            if self._clock() >= session.expires_at - EXPIRY_MARGIN:
                return self._refresh_or_log_in(session).access_token
            return session.access_token

    def renew(self, rejected_token: str) -> str | None:
        """After a 401 the token is to blame for: a new token to try once more, or None while
        the last renewal is too recent to try another (Nexudus refuses the account)."""
        with self._lock:
            session = self._sessions.load()
            if session is not None and session.access_token != rejected_token:
                return session.access_token  # another thread or process renewed it already
            now = self._clock()
            if self._renewed_at is not None and now - self._renewed_at < RENEWAL_COOLDOWN:
                return None
            self._renewed_at = now
            if session is None:
                return self._log_in().access_token
            return self._refresh_or_log_in(session).access_token

    def _refresh_or_log_in(self, session: PortalSession) -> PortalSession:
        try:
            return self._grant({"grant_type": "refresh_token", "refresh_token": session.refresh_token})
        except PortalAuthError:
            # Refresh tokens die after ~15 days or when another login replaced them.
            return self._log_in()

    def _log_in(self) -> PortalSession:
        return self._grant(
            {
                "grant_type": "password",
                "username": self._username,
                "password": self._password.get_secret_value(),
            }
        )

    def _grant(self, form: dict[str, str]) -> PortalSession:
        try:
            response = self._http.post("/api/token", data=form, headers={"client_id": self.client_id})
        except httpx.TransportError as error:
            raise PortalUnavailable(f"Nexudus login failed: {type(error).__name__}") from error
        if response.status_code in (409, 429):
            raise PortalThrottled(retry_after_seconds(response))
        if response.status_code >= 500:
            raise PortalUnavailable(f"Nexudus login failed with HTTP {response.status_code}")
        if response.status_code != 200:
            raise PortalAuthError(_grant_refusal(response, form["grant_type"]))
        body = response.json()
        session = PortalSession(
            client_id=self.client_id,
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_at=self._clock() + timedelta(seconds=int(body.get("expires_in", 3600))),
        )
        self._sessions.save(session)
        return session


def _grant_refusal(response: httpx.Response, grant_type: str) -> str:
    try:
        reason = response.json().get("error_description") or response.json().get("error")
    except ValueError:
        reason = f"HTTP {response.status_code}"
    if grant_type == "password":
        return f"Nexudus refused the login for NEXUDUS_USERNAME: {reason}"
    return f"Nexudus refused the refresh token: {reason}"
