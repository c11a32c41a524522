"""``/newthread``: open the form (with any text as its title), or run a subcommand."""

from __future__ import annotations

import uuid
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.portal import PortalError
from bot.services import Services
from bot.thread_form import MESSAGE_MAX, SUBJECT_MAX
from handlers.blocks.messages import help_text, whoami_text
from handlers.blocks.text import plain_from_slack
from handlers.commands import admin, subscriptions
from handlers.commands.status import status_message
from handlers.commands.subcommands import Subcommand, parse_subcommand
from handlers.forms import ModalState
from handlers.modal_opener import open_form


def new_thread_command(
    ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, *, services: Services
) -> None:
    text = command.get("text") or ""
    user_id = command["user_id"]
    subcommand = parse_subcommand(text)
    ack()
    if subcommand is None:
        state = _form_from_text(plain_from_slack(text).strip(), command.get("channel_id"))
        open_form(client, command["trigger_id"], user_id, state, services=services)
    elif subcommand.name == "help":
        respond(text=help_text(), response_type="ephemeral")
    elif subcommand.name == "whoami":
        respond(text=_whoami(user_id, services), response_type="ephemeral")
    elif subcommand.name in ("link", "unlink"):
        respond(text=admin.run(subcommand, user_id, services=services), response_type="ephemeral")
    else:
        _relay_subcommand(subcommand, command, client, respond, services)


def _relay_subcommand(
    subcommand: Subcommand, command: dict[str, Any], client: WebClient, respond: Respond, services: Services
) -> None:
    user_id, channel_id = command["user_id"], command.get("channel_id", "")
    if subcommand.name == "subscribe":
        text = subscriptions.subscribe(subcommand, user_id, channel_id, client, services=services)
    elif subcommand.name == "unsubscribe":
        text = subscriptions.unsubscribe(subcommand, user_id, channel_id, services=services)
    elif subcommand.name == "list":
        text = subscriptions.list_subscriptions(channel_id, services=services)
    elif not services.is_admin(user_id):
        text = "Only admins can see the relay's status."
    else:
        text, blocks = status_message(services)
        respond(text=text, blocks=blocks, response_type="ephemeral")
        return
    respond(text=text, response_type="ephemeral")


def _form_from_text(text: str, channel_id: str | None) -> ModalState:
    """The command text is the title; text too long for one goes to the message, uncut."""
    key = uuid.uuid4().hex
    if len(text) <= SUBJECT_MAX:
        return ModalState(key=key, channel_id=channel_id, subject=text)
    return ModalState(
        key=key,
        channel_id=channel_id,
        message=text[:MESSAGE_MAX],
        notice="That was long for a title, so it is in the message; add a short title.",
    )


def _whoami(user_id: str, services: Services) -> str:
    try:
        return whoami_text(services.identities.resolve(user_id))
    except PortalError:
        known = services.identities.cached(user_id)
        if known is None:
            return "Nexudus is not answering right now, so I cannot look you up. Try again in a minute."
        return whoami_text(known)
