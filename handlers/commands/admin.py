"""``/newthread link`` and ``unlink``: admins tie Slack users to portal accounts by hand."""

from __future__ import annotations

from bot.identity import LinkTargetNotFound
from bot.portal import PortalError
from bot.services import Services
from handlers.blocks.text import escape, plain_from_slack
from handlers.commands.subcommands import Subcommand

LINK_USAGE = "Usage: `/newthread link @someone <portal email or user id>`"
UNLINK_USAGE = "Usage: `/newthread unlink @someone`"
NOT_ADMIN = (
    "Only admins can link or unlink accounts (workspace admins and owners, and the people in BOT_ADMINS)."
)


def run(subcommand: Subcommand, caller_id: str, *, services: Services) -> str:
    if not services.is_admin(caller_id):
        return NOT_ADMIN
    if subcommand.name == "link":
        return _link(subcommand, services)
    if subcommand.user_id is None:
        return UNLINK_USAGE
    if services.identities.unlink(subcommand.user_id):
        return f"<@{subcommand.user_id}> is no longer linked; their email decides again from now on."
    return f"<@{subcommand.user_id}> had no link to remove."


def _link(subcommand: Subcommand, services: Services) -> str:
    reference = plain_from_slack(subcommand.argument).strip()
    if subcommand.user_id is None or not reference:
        return LINK_USAGE
    try:
        identity = services.identities.link(subcommand.user_id, reference)
    except LinkTargetNotFound:
        return f"No portal account has the email or user id `{escape(reference)}`. Nothing changed."
    except PortalError as error:
        return f"Nexudus could not be asked right now ({error}). Nothing changed; try again shortly."
    name = escape(identity.full_name or identity.email or str(identity.portal_user_id))
    return (
        f"<@{subcommand.user_id}> now posts as *{name}* "
        f"(user id `{identity.portal_user_id}`). Manual links never expire."
    )
