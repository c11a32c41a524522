"""Post pressed: validate, keep a draft, post within the ack window if Nexudus is quick.

Inline errors need the ack, so posting gets ``ACK_BUDGET`` seconds; past that the
modal shows "posting…" and is updated with the result when it comes.
"""

from __future__ import annotations

import logging
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.drafts_desk import DraftsDesk
from bot.form_choices import FormChoices
from bot.outcomes import Busy, NotLinked, Outcome, Posted, Rejected
from bot.thread_form import FormField, NewThreadForm
from handlers.blocks.result_views import busy_view, deferred_view, not_linked_view, posted_view, posting_view
from handlers.forms import FormInvalid, ModalState, blocks_for, read_view, to_form
from handlers.modal_opener import rebuild_form
from handlers.notices import SlackNotices

log = logging.getLogger(__name__)

# Slack allows 3 s for the whole round trip; keep a margin for the network.
ACK_BUDGET = 2.0


def submit_new_thread(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    *,
    drafts: DraftsDesk,
    choices: FormChoices,
    notices: SlackNotices,
) -> None:
    state = read_view(view)
    try:
        form = to_form(state)
        _check_group(form, state, choices)
    except FormInvalid as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    draft, pending = drafts.submit_draft(state.key, body["user"]["id"], form)
    try:
        outcome = pending.result(timeout=ACK_BUDGET)
    except FutureTimeout:
        ack(response_action="update", view=posting_view(form.subject))
        outcome = pending.result()
        _show_late(client, view["id"], state, outcome, choices)
        late = True
    else:
        late = False
        if isinstance(outcome, Rejected):
            ack(response_action="errors", errors=blocks_for(outcome.errors, state))
        else:
            ack(response_action="update", view=_result_view(outcome))
    if _needs_message(outcome, late=late, has_notice=draft.notice_ts is not None):
        notices.tell(draft, outcome)


def _needs_message(outcome: Outcome, *, late: bool, has_notice: bool) -> bool:
    """A DM keeps what the modal cannot: drafts to retry or edit, late refusals, and the
    update of an earlier draft message once the draft is finally posted."""
    if isinstance(outcome, Busy):
        return False
    if isinstance(outcome, Posted):
        return has_notice
    if isinstance(outcome, Rejected):
        return late or has_notice
    return True


def _check_group(form: NewThreadForm, state: ModalState, choices: FormChoices) -> None:
    if form.group_id is None:
        return
    group = choices.group(form.group_id)
    if group is not None and group.business_id != form.business_id:
        raise FormInvalid(blocks_for({FormField.GROUP: "Choose a group of this location"}, state))


def _result_view(outcome: Outcome) -> dict[str, Any]:
    if isinstance(outcome, Posted):
        return posted_view(outcome)
    if isinstance(outcome, NotLinked):
        return not_linked_view(outcome)
    if isinstance(outcome, Busy):
        return busy_view()
    assert not isinstance(outcome, Rejected)
    return deferred_view(outcome)


def _show_late(
    client: WebClient, view_id: str, state: ModalState, outcome: Outcome, choices: FormChoices
) -> None:
    if isinstance(outcome, Rejected):
        # Too late for inline errors: show the form again, filled in, with the reasons on top.
        problems = "; ".join(outcome.errors.values())
        view = rebuild_form(state.with_notice(f":warning: Not posted yet. {problems}"), choices=choices)
    else:
        view = _result_view(outcome)
    try:
        client.views_update(view_id=view_id, view=view)
    except SlackApiError as error:
        # The user closed the modal: the DM (sent for every non-posted outcome) still tells them.
        log.info("could not update view %s: %s", view_id, error.response.get("error"))
