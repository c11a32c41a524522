"""Retry and Edit on the message about a saved draft."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.drafts_desk import DraftsDesk, NotYours
from bot.form_choices import FormChoices
from bot.outcomes import Posted
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
    drafts: DraftsDesk,
    notices: SlackNotices,
) -> None:
    ack()
    draft = _pressers_draft(body, respond, drafts)
    if draft is None:
        return
    notices.tell(draft, drafts.retry_draft(draft))


def edit_draft(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    drafts: DraftsDesk,
    choices: FormChoices,
) -> None:
    ack()
    draft = _pressers_draft(body, respond, drafts)
    if draft is None:
        return
    form = drafts.draft_for_edit(draft)
    if isinstance(form, Posted):
        # Already on the board: say so instead of opening a form that would post again.
        text, blocks = draft_notice(form.subject, draft.key, form)
        client.chat_update(channel=body["channel"]["id"], ts=body["message"]["ts"], text=text, blocks=blocks)
        return
    state = state_from_form(form, key=draft.key)
    state = state.with_notice(f"Editing your saved draft. {draft.last_error or ''}".strip())
    open_form(client, body["trigger_id"], draft.slack_user_id, state, choices=choices)


def _pressers_draft(body: dict[str, Any], respond: Respond, drafts: DraftsDesk) -> Draft | None:
    """The draft a button is for, if it is the presser's own; anyone else is told whose it
    is, privately, and nothing is done."""
    draft = drafts.draft_of(body["actions"][0]["value"], presser=body["user"]["id"])
    if isinstance(draft, NotYours):
        respond(text=not_your_draft_text(draft.author), response_type="ephemeral", replace_original=False)
        return None
    return draft
