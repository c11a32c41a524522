"""Events the Slack driver sends as Slack would: members and channels, members' messages,
members' profile changes, shared links and the app's lifecycle. Mixed into ``SlackDriver``
(emulators/slack_driver.py), which signs and posts each one (``event``)."""

from __future__ import annotations

import copy
import itertools
import time
from typing import Any

import httpx

from emulators.slack import BOT_USER_ID, FakeSlack


class SlackEventSender:
    slack: FakeSlack  # set by SlackDriver.__init__

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None
    ) -> httpx.Response:
        raise NotImplementedError  # SlackDriver signs and sends it

    def member_joined(self, channel: str, user_id: str) -> httpx.Response:
        """Someone joins ``channel`` (the emulator's membership changes first, as in Slack)."""
        self.slack.join(channel, user_id)
        return self.event(
            {"type": "member_joined_channel", "user": user_id, "channel": channel, "team": "T1"}
        )

    def member_left(self, channel: str, user_id: str) -> httpx.Response:
        self.slack.leave(channel, user_id)
        return self.event({"type": "member_left_channel", "user": user_id, "channel": channel, "team": "T1"})

    def channel_event(self, kind: str, channel: str) -> httpx.Response:
        """``channel_archive``, ``channel_unarchive``, ``channel_left``, ``channel_deleted``,
        ``group_*``…: archiving changes the emulator's channel first, leaving removes the bot."""
        if channel in self.slack.channels and kind.endswith(("_archive", "_unarchive")):
            self.slack.set_archived(channel, kind.endswith("_archive"))
        if channel in self.slack.channels and kind.endswith("_left"):
            self.slack.leave(channel, BOT_USER_ID)
        return self.event({"type": kind, "channel": channel, "user": "UADMIN"})

    def message(
        self, user_id: str, channel: str, text: str, *, thread_ts: str | None = None, **fields: Any
    ) -> tuple[str, httpx.Response]:
        """A member's message (a reply when ``thread_ts`` names its parent); returns its ts."""
        ts = fields.pop("ts", None) or next_ts()
        event = {"type": "message", "user": user_id, "channel": channel, "text": text, "ts": ts, **fields}
        if thread_ts:
            event["thread_ts"] = thread_ts
        event.setdefault("channel_type", "im" if channel.startswith("D") else "channel")
        return ts, self.event(event)

    def message_changed(
        self, user_id: str, channel: str, ts: str, text: str, *, thread_ts: str, previous: str = ""
    ) -> httpx.Response:
        """A member edited their message ``ts``: Slack's hidden ``message_changed`` event."""
        edited = {"type": "message", "user": user_id, "text": text, "ts": ts, "thread_ts": thread_ts}
        return self.event(
            {
                "type": "message",
                "subtype": "message_changed",
                "hidden": True,
                "channel": channel,
                "ts": next_ts(),
                "message": {**edited, "edited": {"user": user_id, "ts": next_ts()}},
                "previous_message": {**edited, "text": previous},
            }
        )

    def message_deleted(self, user_id: str, channel: str, ts: str, *, thread_ts: str) -> httpx.Response:
        return self.event(
            {
                "type": "message",
                "subtype": "message_deleted",
                "hidden": True,
                "channel": channel,
                "ts": next_ts(),
                "deleted_ts": ts,
                "previous_message": {"type": "message", "user": user_id, "ts": ts, "thread_ts": thread_ts},
            }
        )

    def user_change(
        self, user_id: str, *, profile: dict[str, Any] | None = None, **fields: Any
    ) -> httpx.Response:
        """A member's account or profile changed (``deleted=True``: deactivated; ``profile=
        {"email": …}``): the emulator's user changes first, so ``users.info`` answers the new
        one too, then Slack's ``user_change`` carries the whole user object."""
        user = self.slack.users[user_id]
        user.update(fields)
        user["profile"] = {**user["profile"], **(profile or {})}
        user["updated"] = int(time.time())  # Slack stamps each change of a user
        changed = copy.deepcopy(user)
        return self.event(
            {"type": "user_change", "user": changed, "cache_ts": int(time.time()), "event_ts": next_ts()}
        )

    def link_shared(
        self, user_id: str, channel: str, urls: list[str], *, message_ts: str = "1700000000.000200"
    ) -> httpx.Response:
        """Slack's ``link_shared`` for links a member posted (in a message, or the composer)."""
        self.slack.share_links(channel, message_ts, urls)
        return self.event(
            {
                "type": "link_shared",
                "channel": channel,
                "user": user_id,
                "message_ts": message_ts,
                "unfurl_id": f"U{message_ts}",
                "source": "conversations_history",
                "is_bot_user_member": True,
                "links": [{"domain": httpx.URL(url).host, "url": url} for url in urls],
                "event_ts": message_ts,
            }
        )

    def tokens_revoked(
        self, *, bot: list[str] | None = None, oauth: list[str] | None = None
    ) -> httpx.Response:
        """Slack's ``tokens_revoked``: the user ids whose tokens were revoked, by kind."""
        tokens = {"oauth": oauth or [], "bot": [BOT_USER_ID] if bot is None else bot}
        return self.event({"type": "tokens_revoked", "tokens": tokens, "event_ts": next_ts()})

    def app_uninstalled(self) -> httpx.Response:
        """Slack's ``app_uninstalled``: the last event before the app's tokens stop working."""
        return self.event({"type": "app_uninstalled", "event_ts": next_ts()})


# Members' messages count from 500000, apart from the ones FakeSlack hands the bot.
_ts_counter = itertools.count(500_001)


def next_ts() -> str:
    """A fresh message ts, unique in this process, as Slack's are unique per channel."""
    return f"{int(time.time())}.{next(_ts_counter):06d}"
