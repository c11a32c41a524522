"""The Slack emulator's messages: chat.* and reactions.add, as Slack answers them.

Mixed into ``FakeSlack`` (emulators/slack.py), whose state it uses.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from typing import Any

from emulators.slack_channels import BOT_USER_ID


class SlackChat:
    # Set by FakeSlack.__init__.
    channels: dict[str, dict[str, Any]]
    not_in_channels: set[str]
    channel_errors: dict[str, str]
    messages: list[dict[str, Any]]
    shared_links: dict[tuple[str, str], set[str]]
    reactions: set[tuple[str, str, str]]
    _counter: itertools.count[int]
    _lock: threading.Lock

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
            unfurls = maybe_json(unfurls)
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


def maybe_json(value: str) -> Any:
    # slack_sdk form-encodes nested arguments (blocks, view) as JSON text.
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
