"""``/newthread``: open the form (with any text as its title), or run a subcommand."""

from __future__ import annotations

import uuid
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.admins import Admins
from bot.form_choices import FormChoices
from bot.thread_form import MESSAGE_MAX, SUBJECT_MAX
from handlers.blocks.messages import misspelt_text
from handlers.blocks.text import plain_from_slack
from handlers.commands.subcommands import Invocation, Misspelt
from handlers.commands.table import SubcommandDeps, answer, read
from handlers.forms import ModalState
from handlers.modal_opener import open_form


def new_thread_command(
    ack: Ack,
    command: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    choices: FormChoices,
    admins: Admins,
    subcommands: SubcommandDeps,
) -> None:
    text = command.get("text") or ""
    user_id = command["user_id"]
    found = read(text)
    ack()
    if found is None:
        state = _form_from_text(plain_from_slack(text).strip(), command.get("channel_id"))
        open_form(client, command["trigger_id"], user_id, state, choices=choices)
    elif isinstance(found, Misspelt):
        respond(text=misspelt_text(found.word, found.meant), response_type="ephemeral")
    else:
        invocation = Invocation(found, user_id, command.get("channel_id", ""), client)
        reply = answer(invocation, admins=admins, deps=subcommands)
        respond(text=reply.text, blocks=reply.blocks, response_type="ephemeral")


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
