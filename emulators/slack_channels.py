"""The Slack emulator's channels: members and flags tests set, and the conversations.* methods.

Mixed into ``FakeSlack`` (emulators/slack.py), whose lock and ``channels`` it uses.
"""

from __future__ import annotations

import threading
from typing import Any

BOT_USER_ID = "UBOT"


class SlackChannels:
    # Set by FakeSlack.__init__.
    channels: dict[str, dict[str, Any]]
    _lock: threading.Lock

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
