"""``/newthread``: open the form (with any text as its title), or run a subcommand."""

from __future__ import annotations

import uuid
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.portal import PortalError
from bot.services import Services
from bot.thread_form import SUBJECT_MAX
from handlers.blocks.messages import help_text, whoami_text
from handlers.blocks.text import plain_from_slack, shorten
from handlers.commands import admin
from handlers.commands.subcommands import parse_subcommand
from handlers.forms import ModalState
from handlers.modal_opener import open_form
from store.models import Identity


def new_thread_command(
    ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, *, services: Services
) -> None:
    text = command.get("text") or ""
    user_id = command["user_id"]
    subcommand = parse_subcommand(text)
    ack()
    if subcommand is None:
        title = shorten(plain_from_slack(text).strip(), SUBJECT_MAX)
        state = ModalState(key=uuid.uuid4().hex, channel_id=command.get("channel_id"), subject=title)
        open_form(client, command["trigger_id"], user_id, state, services=services)
    elif subcommand.name == "help":
        respond(text=help_text(), response_type="ephemeral")
    elif subcommand.name == "whoami":
        respond(text=whoami_text(_whoami(user_id, services)), response_type="ephemeral")
    else:
        respond(text=admin.run(subcommand, user_id, services=services), response_type="ephemeral")


def _whoami(user_id: str, services: Services) -> Identity | None:
    try:
        return services.identities.resolve(user_id)
    except PortalError:
        return services.identities.cached(user_id)
