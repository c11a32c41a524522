"""The Nexudus emulator's sign-in: password and refresh-token grants, bearer tokens, and the
switches tests use to kill them. Mixed into ``FakeNexudus`` (emulators/nexudus.py)."""

from __future__ import annotations

import secrets
import threading

from emulators.http import Reply, Request


class NexudusTokens:
    # Set by FakeNexudus.__init__.
    username: str
    password: str
    logins: int
    refreshes: int
    token_lifetime: int
    _access: set[str]
    _refresh: dict[str, str]
    _lock: threading.RLock

    def expire_tokens(self) -> None:
        with self._lock:
            self._access.clear()

    def revoke_sessions(self) -> None:
        """Access and refresh tokens all dead (the password changed, API access removed)."""
        with self._lock:
            self._access.clear()
            self._refresh.clear()

    def _authorised(self, request: Request) -> bool:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        with self._lock:
            return token in self._access

    def _token(self, request: Request) -> Reply:
        form = request.form()
        client_id = request.headers.get("client_id", form.get("username", ""))
        with self._lock:
            if form.get("grant_type") == "password":
                if (form.get("username"), form.get("password")) != (self.username, self.password):
                    return Reply(
                        400,
                        {
                            "error": "invalid_grant",
                            "error_description": "The user name or password is incorrect.",
                        },
                    )
                self.logins += 1
            elif form.get("grant_type") == "refresh_token":
                if self._refresh.get(form.get("refresh_token", "")) != client_id:
                    return Reply(
                        400, {"error": "invalid_grant", "error_description": "Invalid refresh token."}
                    )
                self.refreshes += 1
            else:
                return Reply(400, {"error": "unsupported_grant_type"})
            access, refresh = secrets.token_hex(16), secrets.token_hex(16)
            # One refresh token per client id: a new grant retires the older ones.
            self._refresh = {k: v for k, v in self._refresh.items() if v != client_id}
            self._refresh[refresh] = client_id
            self._access.add(access)
        return Reply(
            200,
            {
                "access_token": access,
                "token_type": "bearer",
                "expires_in": self.token_lifetime,
                "refresh_token": refresh,
            },
        )
