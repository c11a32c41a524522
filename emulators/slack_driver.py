"""Plays Slack's side against a running bot: signed HTTP requests, as Slack sends them.

Used by the demo, the scenario tests and the benchmarks. Views come from the Slack
emulator's record of ``views.open``/``views.update``; answers are filled in by block.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from emulators.slack import FakeSlack
from emulators.slack_events import SlackEventSender

TEAM = {"id": "T1", "domain": "example"}


def sign(secret: str, timestamp: str, body: str) -> str:
    """The ``X-Slack-Signature`` Slack would send, computed by slack_sdk as Bolt checks it."""
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None  # None only for an empty secret
    return signature


class SlackDriver(SlackEventSender):
    def __init__(self, events_url: str, signing_secret: str, slack: FakeSlack) -> None:
        self.events_url = events_url
        self.secret = signing_secret
        self.slack = slack
        self.http = httpx.Client(timeout=30)

    def post(
        self,
        body: str,
        content_type: str,
        *,
        signed: bool = True,
        timestamp: int | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, **(extra_headers or {})}
        if signed:
            headers["X-Slack-Signature"] = sign(self.secret, stamp, body)
        return self.http.post(self.events_url, content=body, headers=headers)

    def slash(self, user_id: str, text: str = "", *, channel_id: str = "C100") -> httpx.Response:
        form = {
            "command": "/newthread",
            "text": text,
            "user_id": user_id,
            "user_name": user_id,
            "team_id": TEAM["id"],
            "team_domain": TEAM["domain"],
            "channel_id": channel_id,
            "channel_name": "general",
            "trigger_id": self.slack.new_trigger(),
            "response_url": self.slack.response_url(),
            "api_app_id": "A1",
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded")

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None
    ) -> httpx.Response:
        """An Events API callback, sent as JSON like Slack sends it; ``retry`` (1–3) sends it
        as Slack's retry of an earlier delivery (``X-Slack-Retry-Num``), with that event id."""
        body = json.dumps(
            {
                "type": "event_callback",
                "team_id": TEAM["id"],
                "api_app_id": "A1",
                "event_id": event_id or f"Ev{time.monotonic_ns()}",
                "event_time": int(time.time()),
                "event": event,
            }
        )
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        return self.post(body, "application/json", extra_headers=headers)

    def interact(self, payload: dict[str, Any]) -> httpx.Response:
        body = "payload=" + quote(json.dumps(payload))
        return self.post(body, "application/x-www-form-urlencoded")

    def submit(self, user_id: str, view: dict[str, Any], **answers: Any) -> httpx.Response:
        submitted = {
            **view,
            "state": {"values": fill(view, answers)},
            "hash": "h1",
            "team_id": TEAM["id"],
            "app_id": "A1",
        }
        return self.interact(
            {
                "type": "view_submission",
                "team": TEAM,
                "user": {"id": user_id, "team_id": TEAM["id"]},
                "api_app_id": "A1",
                "trigger_id": self.slack.new_trigger(),
                "view": submitted,
            }
        )

    def change(self, user_id: str, view: dict[str, Any], block: str, **answers: Any) -> httpx.Response:
        """A ``dispatch_action`` element changed inside the modal (location, options)."""
        values = fill(view, answers)
        block_id = next(b for b in values if b == block or b.startswith(block + "@"))
        action_id, value = next(iter(values[block_id].items()))
        return self._block_actions(
            user_id,
            {"block_id": block_id, "action_id": action_id, **value},
            container={"type": "view", "view_id": view["id"]},
            view={**view, "state": {"values": values}, "hash": "h1"},
        )

    def press(
        self, user_id: str, message: dict[str, Any], action_id: str, *, channel_id: str
    ) -> httpx.Response:
        """A button in a bot message (draft Retry / Edit)."""
        button = next(
            e
            for b in message["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == action_id
        )
        return self._block_actions(
            user_id,
            {"action_id": action_id, "block_id": "b", "value": button["value"], "type": "button"},
            container={"type": "message", "message_ts": message["ts"]},
            channel={"id": channel_id},
            message=message,
            response_url=self.slack.response_url(),
        )

    def _block_actions(self, user_id: str, action: dict[str, Any], **where: Any) -> httpx.Response:
        return self.interact(
            {
                "type": "block_actions",
                "team": TEAM,
                "user": {"id": user_id},
                "api_app_id": "A1",
                "trigger_id": self.slack.new_trigger(),
                "actions": [{**action, "action_ts": str(time.time())}],
                **where,
            }
        )

    def shortcut(
        self, user_id: str, channel_id: str, text: str, ts: str = "1700000000.000100"
    ) -> httpx.Response:
        return self.interact(
            {
                "type": "message_action",
                "callback_id": "post_to_discussion_board",
                "team": TEAM,
                "user": {"id": user_id},
                "channel": {"id": channel_id},
                "message": {"type": "message", "text": text, "ts": ts},
                "trigger_id": self.slack.new_trigger(),
                "response_url": self.slack.response_url(),
                "message_ts": ts,
            }
        )

    def options(self, user_id: str, view: dict[str, Any], action_id: str, query: str = "") -> httpx.Response:
        return self.interact(
            {
                "type": "block_suggestion",
                "team": TEAM,
                "user": {"id": user_id},
                "api_app_id": "A1",
                "action_id": action_id,
                "block_id": "location",
                "value": query,
                "view": view,
            }
        )


def fill(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """State values for the view's input blocks; ``answers`` are keyed by block id prefix."""
    values: dict[str, dict[str, Any]] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        block_id = block["block_id"]
        element = block["element"]
        answer = answers.get(block_id, answers.get(block_id.split("@")[0]))
        values[block_id] = {element["action_id"]: _element_value(element, answer)}
    return values


def _element_value(element: dict[str, Any], answer: Any) -> dict[str, Any]:
    kind = element["type"]
    if kind == "plain_text_input":
        return {"type": kind, "value": answer if answer is not None else element.get("initial_value")}
    if kind in ("static_select", "external_select"):
        if answer is None:
            return {"type": kind, "selected_option": element.get("initial_option")}
        return {
            "type": kind,
            "selected_option": {"text": {"type": "plain_text", "text": str(answer)}, "value": str(answer)},
        }
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": answer or element.get("initial_users") or []}
    if kind == "checkboxes":
        chosen = answer if answer is not None else [o["value"] for o in element.get("initial_options", [])]
        return {
            "type": kind,
            "selected_options": [{"value": v, "text": {"type": "plain_text", "text": v}} for v in chosen],
        }
    if kind == "datetimepicker":
        return {"type": kind, "selected_date_time": answer or element.get("initial_date_time")}
    return {"type": kind}
