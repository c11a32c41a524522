"""Socket Mode's HTTP listener: Nexudus's webhooks and the health check, nothing of Slack's."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from bot.webhooks.receiver import WebhookReceiver
from bot.webhooks.signature import sign
from bot.webhooks.wiring import webhook_listener


def test_no_listener_without_webhooks() -> None:
    assert webhook_listener(None, port=0) is None


def test_the_listener_answers_webhooks_and_health_only() -> None:
    nudged: list[tuple[list[int], list[int]]] = []
    receiver = WebhookReceiver(SecretStr("s"), lambda t, r: nudged.append((t, r)))
    listener = webhook_listener(receiver, port=0, host="127.0.0.1")
    assert listener is not None
    base = f"http://127.0.0.1:{listener.port}"
    body = b'[{"Id": 5, "Subject": "Hello"}]'
    try:
        pushed = httpx.post(
            base + "/nexudus/webhooks",
            content=body,
            headers={"Content-Type": "application/json", "X-Nexudus-Hook-Signature": sign(body, "s")},
        )
        health = httpx.get(base + "/healthz")
        slack = httpx.post(base + "/slack/events", content=b"{}")
    finally:
        listener.stop()

    assert (pushed.status_code, health.status_code, slack.status_code) == (200, 200, 404)
    assert nudged == [([5], [])]
