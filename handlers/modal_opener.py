"""Opening the new-thread form: from the cache only, then warming caches in the background.

Everything before ``views.open`` reads SQLite; nothing waits on Nexudus, so the modal
opens inside the trigger id's three seconds however slow Nexudus is.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from slack_sdk import WebClient

from bot.clock import utc_now
from bot.outcomes import NotLinked
from bot.portal import PortalError
from bot.services import Services
from handlers.blocks.new_thread_modal import new_thread_modal
from handlers.blocks.result_views import not_linked_view
from handlers.forms import ModalState

log = logging.getLogger(__name__)


def open_form(
    client: WebClient, trigger_id: str, user_id: str, state: ModalState, *, services: Services
) -> None:
    known = services.identities.cached(user_id)
    if known is not None and known.state == "missing" and known.is_fresh(utc_now()):
        client.views_open(trigger_id=trigger_id, view=not_linked_view(NotLinked(known.email)))
        return
    locations = services.directory.locations()
    home = known.home_business_id if known is not None else None
    if state.business_id is None and any(loc.id == home for loc in locations):
        state = replace(state, business_id=home)
    chosen = state.chosen_business_id() or (locations[0].id if len(locations) == 1 else None)
    groups = services.directory.groups(chosen) if chosen else []
    client.views_open(trigger_id=trigger_id, view=new_thread_modal(state, locations, groups))
    services.background.submit(_warm_caches, services, user_id)


def rebuild_form(state: ModalState, *, services: Services) -> dict[str, object]:
    """The form again, for the state the user has reached (location or options changed)."""
    locations = services.directory.locations()
    chosen = state.chosen_business_id() or (locations[0].id if len(locations) == 1 else None)
    groups = services.directory.groups(chosen) if chosen else []
    return new_thread_modal(state, locations, groups)


def _warm_caches(services: Services, user_id: str) -> None:
    # While the member types: refresh a stale directory and find their portal account,
    # so the submission has both at hand.
    try:
        services.directory.refresh_if_stale()
        services.identities.resolve(user_id)
    except PortalError as error:
        log.info("could not warm caches for %s: %s", user_id, error)
