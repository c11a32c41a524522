"""Opening the new-thread form from cached choices, then warming caches in the background.

Everything before ``views.open`` reads SQLite; nothing waits on Nexudus, so the modal
opens inside the trigger id's three seconds however slow Nexudus is.
"""

from __future__ import annotations

from dataclasses import replace

from slack_sdk import WebClient

from bot.form_choices import FormChoices
from handlers.blocks.new_thread_modal import new_thread_modal
from handlers.blocks.result_views import not_linked_view
from handlers.forms import ModalState


def open_form(
    client: WebClient, trigger_id: str, user_id: str, state: ModalState, *, choices: FormChoices
) -> None:
    member = choices.for_member(user_id)
    if member.not_linked is not None:
        client.views_open(trigger_id=trigger_id, view=not_linked_view(member.not_linked))
        return
    locations = member.locations
    if state.business_id is None and any(loc.id == member.home_business_id for loc in locations):
        state = replace(state, business_id=member.home_business_id)
    chosen = state.chosen_business_id() or (locations[0].id if len(locations) == 1 else None)
    groups = choices.groups(chosen) if chosen else []
    client.views_open(trigger_id=trigger_id, view=new_thread_modal(state, locations, groups))
    choices.warm_up(user_id)


def rebuild_form(state: ModalState, *, choices: FormChoices) -> dict[str, object]:
    """The form again, for the state the user has reached (location or options changed)."""
    locations = choices.locations()
    chosen = state.chosen_business_id() or (locations[0].id if len(locations) == 1 else None)
    groups = choices.groups(chosen) if chosen else []
    return new_thread_modal(state, locations, groups)
