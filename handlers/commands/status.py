"""``/newthread status`` (admins): the background jobs' last runs and the stuck deliveries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.blocks.status import status_message
from handlers.commands.subcommands import Invocation, Reply

if TYPE_CHECKING:
    from handlers.commands.table import SubcommandDeps


def show_status(invocation: Invocation, deps: SubcommandDeps) -> Reply:
    text, blocks = status_message(
        deps.status.job_runs(),
        deps.status.deliveries(),
        deps.status.webhook_health(),
        deps.status.audit_entries(),
        deps.status.paused(),
    )
    return Reply(text, blocks)
