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
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from emulators.http import LoopbackServer, Reply, Request

TRIGGER_LIFETIME = 3.0
BOT_USER_ID = "UBOT"
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


class FakeSlack:
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

    def add_channel(self, channel_id: str, members: list[str], *, bot: bool = True, **flags: bool) -> None:
        """A channel with these members (the bot too, unless ``bot=False``); ``flags`` are
        conversations.info's (``is_private``, ``is_ext_shared``, ``is_shared``…)."""
        people = [*members, BOT_USER_ID] if bot else list(members)
        with self._lock:
            self.channels[channel_id] = {"id": channel_id, "is_archived": False, **flags, "members": people}

    def join(self, channel_id: str, user_id: str) -> None:
        with self._lock:
            members = self.channels[channel_id]["members"]
            if user_id not in members:
                members.append(user_id)

    def leave(self, channel_id: str, user_id: str) -> None:
        with self._lock:
            members = self.channels[channel_id]["members"]
            if user_id in members:
                members.remove(user_id)

    def set_archived(self, channel_id: str, archived: bool = True) -> None:
        with self._lock:
            self.channels[channel_id]["is_archived"] = archived

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
            args = {k: _maybe_json(v) for k, v in request.form().items()}
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

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel"))
        if channel in self.not_in_channels:
            return {"ok": False, "error": "not_in_channel"}
        known = self.channels.get(channel)
        if known is not None and known["is_archived"]:
            return {"ok": False, "error": "is_archived"}
        if known is not None and BOT_USER_ID not in known["members"]:
            return {"ok": False, "error": "not_in_channel"}
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        ts = f"{int(time.time())}.{next(self._counter):06d}"
        with self._lock:
            self.messages.append({**args, "ts": ts})
        return {"ok": True, "channel": channel, "ts": ts, "message": {"text": args.get("text")}}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        # The stored message changes, so tests read a post's current text; messages this
        # emulator never posted (modal notices) are updated blindly, as before.
        channel, ts = str(args.get("channel")), str(args.get("ts"))
        with self._lock:
            for message in self.messages:
                if message.get("channel") == channel and message["ts"] == ts:
                    message.update({k: v for k, v in args.items() if k in ("text", "blocks")}, edited=True)
        return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}

    def share_links(self, channel: str, ts: str, urls: list[str]) -> None:
        """A ``link_shared`` event Slack sent for these urls (only those may be unfurled)."""
        with self._lock:
            self.shared_links.setdefault((channel, ts), set()).update(urls)

    def _chat_unfurl(self, args: dict[str, Any]) -> dict[str, Any]:
        where = (str(args.get("channel") or args.get("source")), str(args.get("ts") or args.get("unfurl_id")))
        unfurls = args.get("unfurls")
        if isinstance(unfurls, str):
            unfurls = _maybe_json(unfurls)
        with self._lock:
            shared = self.shared_links.get(where, set())
        if not isinstance(unfurls, dict) or not unfurls or not set(unfurls) <= shared:
            return {"ok": False, "error": "cannot_unfurl_url"}
        return {"ok": True}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": f"{int(time.time())}.000001"}

    def _reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        reaction = (str(args.get("channel")), str(args.get("timestamp")), str(args.get("name")))
        with self._lock:
            if reaction in self.reactions:
                return {"ok": False, "error": "already_reacted"}
            self.reactions.add(reaction)
        return {"ok": True}

    def _chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = str(args.get("message_ts", "")).replace(".", "")
        return {"ok": True, "permalink": f"https://example.slack.com/archives/{args.get('channel')}/p{ts}"}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            known = self.channels.get(str(args.get("channel")))
            if known is None:
                return {"ok": False, "error": "channel_not_found"}
            info = {k: v for k, v in known.items() if k != "members"}
            info["is_member"] = BOT_USER_ID in known["members"]
            info["num_members"] = len(known["members"])
        return {"ok": True, "channel": info}

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        """Member ids, ``limit`` a page, the next page's start in ``next_cursor``, as Slack pages."""
        with self._lock:
            known = self.channels.get(str(args.get("channel")))
            if known is None:
                return {"ok": False, "error": "channel_not_found"}
            members = list(known["members"])
        start = int(args.get("cursor") or 0)
        end = start + (int(args.get("limit") or 0) or len(members))
        more = str(end) if end < len(members) else ""
        return {"ok": True, "members": members[start:end], "response_metadata": {"next_cursor": more}}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": {"id": "D" + str(args.get("users", "")).split(",")[0]}}


def _maybe_json(value: str) -> Any:
    # slack_sdk form-encodes nested arguments (blocks, view) as JSON text.
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
