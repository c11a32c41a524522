"""A member's Slack profile changed (Slack's ``user_change``): what the bot derived from the
old one is undone at once, in every process, rather than when caches expire.

The event reaches one process. It is recorded in SQLite (``SlackUsers.changed``), which
every process's profile cache checks: a profile cached before it is asked of Slack again,
so a deactivated member gets no DM from the next send on, whichever process sends it. An
automatic portal link found by an email the member no longer has is forgotten
(``IdentityService.profile_changed``), and so are the relay's matches of portal users to
them by that email (``PortalPeople.profile_changed``). A lookup under way meanwhile, in any
process, notices the recorded change and does not keep its answer. Slack sends one of these
for every status emoji: those cost a few reads and no write.
"""

from __future__ import annotations

from typing import Any

from bot.identity import IdentityService
from bot.relay.people import PortalPeople
from bot.slack_users import SlackUsers
from store.slack_profiles import Recorded


class ProfileChanges:
    def __init__(self, *, slack_users: SlackUsers, identities: IdentityService, people: PortalPeople) -> None:
        self._slack_users = slack_users
        self._identities = identities
        self._people = people

    def changed(self, user: dict[str, Any]) -> None:
        """``user`` is the event's user object, shaped as ``users.info``'s."""
        profile, recorded = self._slack_users.changed(user)
        if recorded is Recorded.OLDER:
            return  # delivered late: a change Slack stamped later is recorded already
        # Also when the record says nothing changed: an event the bot missed (it was down)
        # may have left a link by an email the member no longer has. Each is a read unless
        # there is something to forget.
        self._identities.profile_changed(profile)
        self._people.profile_changed(profile)
