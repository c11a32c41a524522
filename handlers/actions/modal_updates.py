"""Location or options changed in the open form: rebuild it (groups, Zoom fields)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.form_choices import FormChoices
from handlers.forms import read_view
from handlers.modal_opener import rebuild_form


def refresh_form(ack: Ack, body: dict[str, Any], client: WebClient, *, choices: FormChoices) -> None:
    ack()
    view = body["view"]
    state = read_view(view)
    # The hash makes Slack refuse this update if the view changed meanwhile.
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=rebuild_form(state, choices=choices))
