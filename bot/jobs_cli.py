"""``python -m bot relay --once`` and ``python -m bot digest --now``: one pass, then exit."""

from __future__ import annotations

from typing import TextIO

from bot.app import connect_portal, create_app
from bot.config import Settings
from store import Store


def run_job(settings: Settings, job: str, out: TextIO) -> int:
    store = Store(settings.database)
    portal = connect_portal(settings, store)
    try:
        bot = create_app(settings, store=store, portal=portal)
        summary = bot.relay.run_once() if job == "relay" else bot.relay.digest_pass(force=True)
        out.write(summary + "\n")
        bot.services.background.shutdown(wait=True)
    finally:
        portal.close()
        store.close()
    return 0
