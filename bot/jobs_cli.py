"""``python -m bot relay --once`` and ``python -m bot digest --now``: one pass, then exit.

Safe beside a running ``serve`` (or another of these): polling and digest recording are
leased to one process at a time, and each message is claimed by one sender.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import TextIO

from bot.app import create_app, portal_client
from bot.config import Settings
from store import Store

# For tests only, deliberately not in Settings or the README's table: how long this
# process's claims on outbox messages last. A test kills a sender mid-send and waits for
# the survivor to take its claim over; only the dying process's claim length matters.
CLAIM_SECONDS_FOR_TESTS = "BOT_CLAIM_SECONDS"


def run_job(settings: Settings, job: str, out: TextIO) -> int:
    store = Store(settings.database)
    portal = portal_client(settings, store)
    try:
        bot = create_app(settings, store=store, portal=portal)
        claim_seconds = os.environ.get(CLAIM_SECONDS_FOR_TESTS)
        if claim_seconds:
            bot.relay.sender.claim_for = timedelta(seconds=float(claim_seconds))
        summary = bot.relay.run_once() if job == "relay" else bot.relay.digest_pass(force=True)
        out.write(summary + "\n")
        bot.background.shutdown(wait=True)
    finally:
        portal.close()
        store.close()
    return 0
