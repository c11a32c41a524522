"""``tokens_revoked`` and ``app_uninstalled``: the bot's token is dead from now on, so
sending pauses at once, with everything kept (``bot.slack_health``); no Slack call here."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.slack_health import SlackHealth


def token_lost(ack: Ack, event: dict[str, Any], *, health: SlackHealth) -> None:
    ack()  # first: the pause is one SQLite write, but Slack wants its answer within 3 s
    kind = str(event.get("type"))
    # tokens_revoked also reports members' OAuth (user) tokens, which the bot never holds.
    if kind == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
        return
    health.refused(f"{kind} event")
