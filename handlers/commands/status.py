"""``/newthread status`` (admins): the background jobs' last runs and the stuck deliveries."""

from __future__ import annotations

from bot.services import Services
from handlers.blocks.status import Deliveries, status_message
from handlers.commands.subcommands import Invocation, Reply

SHOWN = 10  # retrying and failed deliveries listed, each


def show_status(invocation: Invocation, services: Services) -> Reply:
    outbox = services.store.outbox
    deliveries = Deliveries(
        waiting=outbox.count("pending"),
        failed=outbox.count("failed"),
        retrying=[m for m in outbox.in_state("pending", SHOWN) if m.last_error],
        failures=outbox.in_state("failed", SHOWN),
    )
    text, blocks = status_message(services.store.relay_state.all_runs(), deliveries)
    return Reply(text, blocks)
