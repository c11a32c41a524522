"""Options for the location select when the cache was empty as the form opened."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.form_choices import FormChoices
from handlers.blocks.new_thread_modal import location_options

# Options requests also get 3 s: wait for a first directory load at most this long.
LOAD_BUDGET = 2.0


def suggest_locations(ack: Ack, payload: dict[str, Any], *, choices: FormChoices) -> None:
    locations = choices.load_locations(LOAD_BUDGET)
    ack(options=location_options(locations, str(payload.get("value") or "")))
