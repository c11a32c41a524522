"""Socket Mode's HTTP listener (serve's ``listener_routes``): Nexudus's webhooks and the
health check, nothing of Slack's."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from bot.http_server import SlackHttpServer, listener_routes
from bot.webhooks.receiver import WebhookReceiver
from bot.webhooks.signature import sign


def test_the_listener_answers_webhooks_and_health_only() -> None:
    nudged: list[tuple[list[int], list[int]]] = []
    receiver = WebhookReceiver(SecretStr("s"), lambda t, r: nudged.append((t, r)))
    listener = SlackHttpServer(listener_routes(receiver), host="127.0.0.1", port=0).start_in_background()
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
