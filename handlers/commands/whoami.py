"""``/newthread whoami``: which portal account you post as, and how the link was made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.portal import PortalError
from handlers.blocks.messages import whoami_text
from handlers.commands.subcommands import Invocation, Reply

if TYPE_CHECKING:
    from handlers.commands.table import SubcommandDeps

NEXUDUS_SILENT = "Nexudus is not answering right now, so I cannot look you up. Try again in a minute."


def whoami(invocation: Invocation, deps: SubcommandDeps) -> Reply:
    try:
        return Reply(whoami_text(deps.identities.resolve(invocation.caller)))
    except PortalError:
        known = deps.identities.cached(invocation.caller)
        if known is None:
            return Reply(NEXUDUS_SILENT)
        return Reply(whoami_text(known))
