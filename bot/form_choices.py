"""What the new-thread form offers a member: locations, groups, their home location.

Read from caches only, so a form opens inside Slack's three seconds however slow Nexudus
is; ``warm_up`` refreshes those caches in the background while the member types.
"""

from __future__ import annotations

import contextlib
import logging
from concurrent.futures import Executor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from bot.clock import Clock
from bot.directory import Directory
from bot.identity import IdentityService
from bot.outcomes import NotLinked
from bot.portal import PortalError
from store.models import Group, Location

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MemberChoices:
    not_linked: NotLinked | None  # known, recently, to have no portal account
    home_business_id: int | None
    locations: list[Location]


class FormChoices:
    def __init__(
        self, *, identities: IdentityService, directory: Directory, background: Executor, clock: Clock
    ) -> None:
        self._identities = identities
        self._directory = directory
        self._background = background
        self._clock = clock

    def for_member(self, slack_user_id: str) -> MemberChoices:
        known = self._identities.cached(slack_user_id)
        if known is not None and known.state == "missing" and known.is_fresh(self._clock()):
            return MemberChoices(NotLinked(known.email), None, [])
        home = known.home_business_id if known is not None else None
        return MemberChoices(None, home, self._directory.locations())

    def locations(self) -> list[Location]:
        return self._directory.locations()

    def groups(self, business_id: int) -> list[Group]:
        return self._directory.groups(business_id)

    def group(self, group_id: int) -> Group | None:
        return self._directory.group(group_id)

    def load_locations(self, budget: float) -> list[Location]:
        """The cached locations; on a first start, wait up to ``budget`` seconds for a load."""
        locations = self._directory.locations()
        if not locations:
            loading = self._background.submit(self._directory.refresh)
            with contextlib.suppress(FutureTimeout):
                loading.result(timeout=budget)
            locations = self._directory.locations()
        return locations

    def warm_up(self, slack_user_id: str) -> None:
        """In the background: refresh a stale directory and find the member's portal account,
        so their submission has both at hand."""
        self._background.submit(self._warm_up, slack_user_id)

    def _warm_up(self, slack_user_id: str) -> None:
        try:
            self._directory.refresh_if_stale()
            self._identities.resolve(slack_user_id)
        except PortalError as error:
            log.info("could not warm caches for %s: %s", slack_user_id, error)
