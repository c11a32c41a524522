"""Home tab preferences: how replies reach you, and when your digest comes."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.home import Home
from handlers.blocks.home import replies_choice
from handlers.events.app_home import publish_home


def choose_replies(ack: Ack, body: dict[str, Any], client: WebClient, *, home: Home) -> None:
    ack()
    user_id = body["user"]["id"]
    home.choose_replies(user_id, replies_choice(body["actions"][0]["selected_option"]["value"]))
    publish_home(client, user_id, home, notice="Saved.", hash=body.get("view", {}).get("hash"))


def choose_digest_time(ack: Ack, body: dict[str, Any], client: WebClient, *, home: Home) -> None:
    ack()
    user_id = body["user"]["id"]
    home.choose_digest_time(user_id, body["actions"][0]["selected_time"])
    publish_home(client, user_id, home, notice="Saved.", hash=body.get("view", {}).get("hash"))
