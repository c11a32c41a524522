"""The "Replay failed" button of ``/newthread status``: failed deliveries get another go."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.relay.cycle import Relay
from bot.services import Services


def replay_failed(
    ack: Ack, body: dict[str, Any], respond: Respond, *, services: Services, relay: Relay
) -> None:
    ack()
    if not services.is_admin(body["user"]["id"]):
        respond(text="Only admins can replay deliveries.", replace_original=False)
        return
    count = services.store.outbox.replay_failed()
    respond(text=f"{count} failed deliveries are queued again; sending now.", replace_original=True)
    services.background.submit(relay.sender.deliver_due)
