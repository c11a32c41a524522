"""Message shortcut "Post to the Discussion Board": the form, prefilled from a message."""

from __future__ import annotations

import uuid
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.form_choices import FormChoices
from bot.thread_form import MESSAGE_MAX, SUBJECT_MAX, SlackSource
from handlers.blocks.text import plain_from_slack, shorten
from handlers.forms import ModalState
from handlers.modal_opener import open_form


def post_message_to_board(
    ack: Ack, shortcut: dict[str, Any], client: WebClient, *, choices: FormChoices
) -> None:
    ack()
    text = plain_from_slack(shortcut.get("message", {}).get("text") or "").strip()
    channel_id = shortcut.get("channel", {}).get("id")
    notice = None
    if len(text) > MESSAGE_MAX:
        notice = (
            f"The Slack message is longer than {MESSAGE_MAX:,} characters, so only its "
            "beginning is filled in; the link to it is added to the post."
        )
        text = text[:MESSAGE_MAX]
    state = ModalState(
        key=uuid.uuid4().hex,
        channel_id=channel_id,
        subject=shorten(text.splitlines()[0] if text else "", SUBJECT_MAX),
        message=text,
        source=SlackSource(channel_id=channel_id, message_ts=shortcut["message"]["ts"]),
        notice=notice,
    )
    open_form(client, shortcut["trigger_id"], shortcut["user"]["id"], state, choices=choices)
