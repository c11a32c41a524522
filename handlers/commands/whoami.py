"""``/newthread whoami``: which portal account you post as, and how the link was made."""

from __future__ import annotations

from bot.portal import PortalError
from bot.services import Services
from handlers.blocks.messages import whoami_text
from handlers.commands.subcommands import Invocation, Reply

NEXUDUS_SILENT = "Nexudus is not answering right now, so I cannot look you up. Try again in a minute."


def whoami(invocation: Invocation, services: Services) -> Reply:
    try:
        return Reply(whoami_text(services.identities.resolve(invocation.caller)))
    except PortalError:
        known = services.identities.cached(invocation.caller)
        if known is None:
            return Reply(
                "Nexudus is not answering right now, so I cannot look you up. Try again in a minute."
            )
        return Reply(whoami_text(known))
