"""Home tab preferences: how replies reach you, and when your digest comes."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.services import Services
from handlers.events.app_home import HomeTab


def choose_replies(
    ack: Ack, body: dict[str, Any], client: WebClient, *, services: Services, home: HomeTab
) -> None:
    ack()
    user_id = body["user"]["id"]
    value = body["actions"][0]["selected_option"]["value"]
    services.store.preferences.set(user_id, replies=None if value == "default" else value)
    home.publish(client, user_id, notice="Saved.", reload=False)


def choose_digest_time(
    ack: Ack, body: dict[str, Any], client: WebClient, *, services: Services, home: HomeTab
) -> None:
    ack()
    user_id = body["user"]["id"]
    services.store.preferences.set(user_id, digest_time=body["actions"][0]["selected_time"])
    home.publish(client, user_id, notice="Saved.", reload=False)
