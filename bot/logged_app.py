"""The Bolt ``App`` the bot runs: one log line, a count and a time per request."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.metrics import BotMetrics

log = logging.getLogger("bot.requests")


class LoggedApp(App):
    """One log line per request outcome, in HTTP and Socket Mode alike (both dispatch here),
    and its count and time in the metrics."""

    metrics: BotMetrics | None = None

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        response = super().dispatch(req)
        body = req.body if isinstance(req.body, dict) else {}
        seconds = time.perf_counter() - started
        if self.metrics is not None:
            self.metrics.request_answered(body, response.status, seconds)
        user, ms = _user(body), round(seconds * 1000)
        log.info(
            "%s user=%s -> %s in %d ms",
            _describe(body),
            user,
            response.status,
            ms,
            # Fields of their own for BOT_LOG_FORMAT=json (bot/logs.py).
            extra={"request_id": _request_id(body), "user": user, "outcome": response.status, "ms": ms},
        )
        return response


def log_error(error: Exception, body: dict[str, Any]) -> None:
    log.error("unhandled error in %s", _describe(body), exc_info=error)


def _describe(body: dict[str, Any]) -> str:
    if "command" in body:
        return f"command {body['command']}"
    kind = body.get("type", "event")
    if kind == "block_actions":
        return "action " + ",".join(a.get("action_id", "?") for a in body.get("actions", []))
    if kind in ("view_submission", "view_closed"):
        return f"{kind} {body.get('view', {}).get('callback_id')}"
    if kind in ("shortcut", "message_action"):
        return f"shortcut {body.get('callback_id')}"
    if kind == "event_callback":
        return f"event {body.get('event', {}).get('type')}"
    return str(kind)


def _request_id(body: dict[str, Any]) -> str:
    # An event keeps its event_id when Slack retries it, so a retry is recognisable;
    # commands and interactions carry no id of their own.
    return str(body.get("event_id") or uuid.uuid4().hex[:16])


def _user(body: dict[str, Any]) -> str:
    user = body.get("user_id") or body.get("user") or {}
    return str(user.get("id") if isinstance(user, dict) else user)
