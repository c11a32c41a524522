"""A Slack Web API emulator: the methods this bot calls, with Slack's own error shapes.

Trigger ids expire three seconds after ``new_trigger()`` made them, as Slack's do, so
a test proves a modal opened in time by ``views.open`` succeeding at all.

``delays`` slows a method down: the call waits before Slack acts on it, and a caller that
hangs up meanwhile (a killed process) has its call dropped, not acted on, as a request
that never fully reached Slack. (A caller killed after Slack acted is the one case the
outbox cannot tell apart; README, "Exactly once".)
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from emulators.http import LoopbackServer, Reply, Request
from emulators.slack_channels import BOT_USER_ID as BOT_USER_ID
from emulators.slack_channels import SlackChannels
from emulators.slack_chat import SlackChat, maybe_json

TRIGGER_LIFETIME = 3.0
_BOT_USER = {
    "id": BOT_USER_ID,
    "name": "nexudus_board",
    "is_bot": True,
    "deleted": False,
    "team_id": "T1",
    "profile": {},
}


@dataclass
class SlackCall:
    method: str
    args: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeSlack(SlackChannels, SlackChat):
    def __init__(self, *, scopes: str = "") -> None:
        self.scopes = scopes
        self.users: dict[str, dict[str, Any]] = {}
        self.calls: list[SlackCall] = []
        self.responses: list[dict[str, Any]] = []  # messages sent to response_urls
        self.not_in_channels: set[str] = set()
        self.channel_errors: dict[str, str] = {}  # channel → error chat.postMessage answers
        self.messages: list[dict[str, Any]] = []  # what chat.postMessage actually posted
        self.socket_mode_url: str | None = None  # handed out by apps.connections.open
        self.rate_limited: dict[str, int] = {}  # method → how many next calls get a 429
        self.retry_after = 1
        self.delays: dict[str, float] = {}  # method → seconds before Slack acts on a call
        self.abandoned: list[SlackCall] = []  # delayed calls whose caller hung up: not acted on
        self._triggers: dict[str, float] = {}
        self.home_hashes: dict[str, str] = {}  # user → the hash of their published Home tab
        # (channel, message ts) or (source, unfurl id) → urls a link_shared event named
        self.shared_links: dict[tuple[str, str], set[str]] = {}
        self.reactions: set[tuple[str, str, str]] = set()  # (channel, ts, name) from reactions.add
        # While set, every Web API call answers this error, as Slack does for a dead token.
        self.token_error: str | None = None
        # Channels whose members and flags tests set (add_channel): conversations.info and
        # .members answer for them, and chat.postMessage refuses one the bot is not in
        # (not_in_channel) or that is archived (is_archived). Other channels accept posts.
        self.channels: dict[str, dict[str, Any]] = {}
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._route)

    @property
    def api_url(self) -> str:
        return f"{self._server.url}/api/"

    def start(self) -> FakeSlack:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def add_user(self, user_id: str, name: str, email: str | None, **extra: Any) -> None:
        profile = {"real_name": name, "display_name": name.split()[0]}
        if email:
            profile["email"] = email
        self.users[user_id] = {
            "id": user_id,
            "name": name.lower().replace(" ", "."),
            "real_name": name,
            "tz": extra.pop("tz", "Europe/London"),
            "is_admin": False,
            "is_owner": False,
            "is_bot": False,
            "deleted": False,  # set True to deactivate them
            "is_restricted": False,  # a guest; with is_ultra_restricted, a single-channel one
            "is_ultra_restricted": False,
            "team_id": "T1",  # another team's id: someone from another organisation (Slack Connect)
            "profile": profile,
            **extra,
        }

    def new_trigger(self) -> str:
        trigger = f"{next(self._counter)}.{int(time.time())}.trigger"
        self._triggers[trigger] = time.monotonic()
        return trigger

    def response_url(self) -> str:
        return f"{self._server.url}/respond/{next(self._counter)}"

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages Slack accepted from chat.postMessage (in ``channel``, if given)."""
        with self._lock:
            return [m for m in self.messages if channel is None or m.get("channel") == channel]

    def revoke_token(self, error: str = "token_revoked") -> None:
        """The bot's token stops working (revoked, app uninstalled): every call answers ``error``."""
        self.token_error = error

    def restore_token(self) -> None:
        """The token works again (the app reinstalled with it)."""
        self.token_error = None

    def calls_to(self, method: str) -> list[SlackCall]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    # --- routing ----------------------------------------------------------------------

    def _route(self, request: Request) -> Reply:
        if request.path.startswith("/respond/"):
            with self._lock:
                self.responses.append(request.json())
            return Reply(200, raw=b"ok")
        method = request.path.removeprefix("/api/")
        if "json" in request.headers.get("content-type", ""):
            args = request.json() or {}
        else:
            args = {k: maybe_json(v) for k, v in request.form().items()}
        with self._lock:
            self.calls.append(SlackCall(method, args))
            if self.rate_limited.get(method, 0) > 0:
                self.rate_limited[method] -= 1
                return Reply(
                    429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(self.retry_after)}
                )
            if self.token_error is not None:
                # Slack answers a refused token with HTTP 200 and ok: false, like any error.
                return Reply(200, {"ok": False, "error": self.token_error})
        if method in self.delays:
            time.sleep(self.delays[method])
            if request.hung_up():
                with self._lock:
                    self.abandoned.append(SlackCall(method, args))
                return Reply(200, {"ok": False, "error": "request_abandoned"})
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        body = handler(args) if handler else {"ok": False, "error": "unknown_method"}
        headers = {"x-oauth-scopes": self.scopes} if method == "auth.test" else {}
        return Reply(200, body, headers)

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://example.slack.com/",
            "team": "Example",
            "user": "nexudus_board",
            "team_id": "T1",
            "user_id": BOT_USER_ID,
            "bot_id": "B1",
        }

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.socket_mode_url is None:
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": True, "url": self.socket_mode_url}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("user") == BOT_USER_ID:
            return {"ok": True, "user": _BOT_USER}
        user = self.users.get(str(args.get("user")))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        """Every user and the bot itself, ``limit`` a page, the next page's start in
        ``response_metadata.next_cursor`` ("" on the last), as Slack pages."""
        everyone = [*self.users.values(), _BOT_USER]
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 0) or len(everyone)
        end = start + limit
        more = str(end) if end < len(everyone) else ""
        return {"ok": True, "members": everyone[start:end], "response_metadata": {"next_cursor": more}}

    def _users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email", "")).casefold()
        for user in self.users.values():
            if user["profile"].get("email", "").casefold() == email:
                return {"ok": True, "user": user}
        return {"ok": False, "error": "users_not_found"}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        made = self._triggers.pop(str(args.get("trigger_id")), None)
        if made is None:
            return {"ok": False, "error": "invalid_trigger_id"}
        if time.monotonic() - made > TRIGGER_LIFETIME:
            return {"ok": False, "error": "expired_trigger_id"}
        return self._view(args)

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args, view_id=args.get("view_id"))

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args)

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        # Slack refuses a publish whose hash is not the current view's: a newer one is there.
        user, sent = str(args.get("user_id")), args.get("hash")
        with self._lock:
            if sent and sent != self.home_hashes.get(user):
                return {"ok": False, "error": "hash_conflict"}
            answer = self._view(args)
            answer["view"]["hash"] = self.home_hashes[user] = f"h{next(self._counter)}"
        return answer

    def _view(self, args: dict[str, Any], view_id: Any = None) -> dict[str, Any]:
        view = dict(args.get("view") or {})
        view["id"] = view_id or f"V{next(self._counter):06d}"
        return {"ok": True, "view": view}

    def _chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = str(args.get("message_ts", "")).replace(".", "")
        return {"ok": True, "permalink": f"https://example.slack.com/archives/{args.get('channel')}/p{ts}"}
