"""Retry and Edit on the message about a saved draft."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.services import Services
from bot.thread_form import NewThreadForm
from handlers.blocks.messages import draft_notice, not_your_draft_text
from handlers.forms import state_from_form
from handlers.modal_opener import open_form
from handlers.notices import SlackNotices
from store.models import Draft


def retry_draft(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    services: Services,
    notices: SlackNotices,
) -> None:
    ack()
    draft = _pressers_draft(body, respond, services)
    if draft is None:
        return
    outcome = services.poster.post(draft.key)
    notices.tell(draft, outcome)


def edit_draft(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, *, services: Services
) -> None:
    ack()
    draft = _pressers_draft(body, respond, services)
    if draft is None:
        return
    if draft.state == "posted":
        # Already on the board: say so instead of opening a form that would post again.
        text, blocks = draft_notice(
            str(draft.form.get("subject")), draft.key, services.poster.post(draft.key)
        )
        client.chat_update(channel=body["channel"]["id"], ts=body["message"]["ts"], text=text, blocks=blocks)
        return
    form = NewThreadForm.model_validate(draft.form)
    state = state_from_form(form, key=draft.key, channel_id=form.share_channel_id)
    state = state.with_notice(f"Editing your saved draft. {draft.last_error or ''}".strip())
    open_form(client, body["trigger_id"], draft.slack_user_id, state, services=services)


def _pressers_draft(body: dict[str, Any], respond: Respond, services: Services) -> Draft | None:
    """The draft a button is for, if it is the presser's own; anyone else is told whose it
    is, privately, and nothing is done."""
    draft = services.store.drafts.get(body["actions"][0]["value"])
    if draft is not None and draft.slack_user_id != body["user"]["id"]:
        respond(
            text=not_your_draft_text(draft.slack_user_id), response_type="ephemeral", replace_original=False
        )
        return None
    return draft
