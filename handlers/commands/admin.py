"""``/newthread link`` and ``unlink``: admins tie Slack users to portal accounts by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.identity import LinkTargetNotFound
from bot.portal import PortalError
from handlers.blocks.text import escape, plain_from_slack
from handlers.commands.subcommands import Invocation, Reply

if TYPE_CHECKING:
    from handlers.commands.table import SubcommandDeps

LINK_USAGE = "Usage: `/newthread link @someone <portal email or user id>`"
UNLINK_USAGE = "Usage: `/newthread unlink @someone`"


def link(invocation: Invocation, deps: SubcommandDeps) -> Reply:
    subcommand = invocation.subcommand
    reference = plain_from_slack(subcommand.argument).strip()
    if subcommand.user_id is None or not reference:
        return Reply(LINK_USAGE)
    try:
        identity = deps.identities.link(subcommand.user_id, reference, by=invocation.caller)
    except LinkTargetNotFound:
        return Reply(f"No portal account has the email or user id `{escape(reference)}`. Nothing changed.")
    except PortalError as error:
        # The error may quote Nexudus's own message: escaped, so it can neither ping nor disguise a link.
        why = escape(str(error))
        return Reply(f"Nexudus could not be asked right now ({why}). Nothing changed; try again shortly.")
    name = escape(identity.full_name or identity.email or str(identity.portal_user_id))
    return Reply(
        f"<@{subcommand.user_id}> now posts as *{name}* "
        f"(user id `{identity.portal_user_id}`). Manual links never expire."
    )


def unlink(invocation: Invocation, deps: SubcommandDeps) -> Reply:
    user_id = invocation.subcommand.user_id
    if user_id is None:
        return Reply(UNLINK_USAGE)
    if deps.identities.unlink(user_id, by=invocation.caller):
        return Reply(f"<@{user_id}> is no longer linked; their email decides again from now on.")
    return Reply(f"<@{user_id}> had no link to remove.")
