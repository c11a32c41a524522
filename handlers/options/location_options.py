"""Options for the location select when the cache was empty as the form opened."""

from __future__ import annotations

import contextlib
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from slack_bolt import Ack

from bot.services import Services
from handlers.blocks.new_thread_modal import location_options

# Options requests also get 3 s: wait for a first directory load at most this long.
LOAD_BUDGET = 2.0


def suggest_locations(ack: Ack, payload: dict[str, Any], *, services: Services) -> None:
    locations = services.directory.locations()
    if not locations:
        loading = services.background.submit(services.directory.refresh)
        with contextlib.suppress(FutureTimeout):
            loading.result(timeout=LOAD_BUDGET)
        locations = services.directory.locations()
    ack(options=location_options(locations, str(payload.get("value") or "")))
