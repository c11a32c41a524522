"""Who a Slack user is: profile email (Slack-verified), name, time zone, admin rights,
whether the account is deactivated; and the workspace's members, for admins' reports."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from store.slack_profiles import Recorded, ReportedProfile, SlackProfileRepository, fold_email

# Profiles change rarely; a short cache spares users.info on every click.
PROFILE_TTL = 300.0
# users.list pages: Slack advises about 200 a page (as conversations.members, slack-platform.md).
MEMBERS_PAGE = 200


class SlackProfile(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: str
    name: str
    email: str | None = None
    tz: str | None = None
    is_admin: bool = False
    deleted: bool = False  # deactivated in Slack: gets no DMs
    is_bot: bool = False
    # Who may read a channel this user is in (slack-platform.md §16): guests, and people
    # of another workspace (a team other than the bot's).
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    team_id: str | None = None
    enterprise_id: str | None = None  # Enterprise Grid: the organisation over the workspaces


class SlackUsers:
    def __init__(
        self,
        client: WebClient,
        *,
        clock: Callable[[], float] = time.monotonic,
        reported: SlackProfileRepository,  # profile changes, as every process records them
    ) -> None:
        self._client = client
        self._clock = clock
        self._reported = reported
        self._cache: dict[str, _Cached] = {}
        self._dm_channels: dict[str, str] = {}
        self._own: tuple[str, str, str] | None = None  # (team, enterprise, bot user), from auth.test
        self._lock = threading.Lock()

    def profile(self, user_id: str) -> SlackProfile | None:
        """The user's profile, or None for an unknown user; other Slack errors propagate.
        Cached, until it is old or any process records a change to it (``changed``)."""
        with self._lock:
            cached = self._cache.get(user_id)
        if cached and self._clock() - cached.fetched_at < PROFILE_TTL and not self._changed_since(cached):
            return cached.profile
        seen = self.changes_seen()  # before asking: a change recorded meanwhile is noticed
        try:
            user = self._client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            if error.response.get("error") == "user_not_found":
                return None
            raise
        return self._remember(user, seen)

    def members(self) -> list[SlackProfile]:
        """Everyone in the workspace, bots and deactivated accounts included: one walk of
        ``users.list`` pages, which also fills the profile cache."""
        found: list[SlackProfile] = []
        cursor, seen = "", self.changes_seen()
        while True:
            page = self._client.users_list(limit=MEMBERS_PAGE, cursor=cursor or None)
            found += [self._remember(user, seen) for user in page.get("members") or []]
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor:
                return found

    def changed(self, user: dict[str, Any]) -> tuple[SlackProfile, Recorded]:
        """A ``user_change`` event (its user shaped as ``users.info``'s), recorded for every
        process. It is a nudge, never cached: on news (another email, a deactivation) or a
        change delivered late the cached profile is dropped and Slack is asked when it is
        next needed, so no event arriving late or out of order is ever taken as current;
        anything else (a status, a title…) refreshes when the cached profile goes stale."""
        profile, updated = _parsed(user)
        verdict = self._reported.record(profile.user_id, lookup_basis(profile), updated)
        if verdict is not Recorded.SAME:
            with self._lock:
                self._cache.pop(profile.user_id, None)
        return profile, verdict

    def changes_seen(self) -> int:
        """The number of the last profile change any process recorded: a lookup reads it
        first, then asks ``changed_since`` once it is done."""
        return self._reported.latest()

    def changed_since(self, seen: int, *, user_id: str | None, email: str | None) -> bool:
        """Whether a change was recorded after ``seen`` (``changes_seen``), in any process,
        to this member or giving someone this email."""
        return self._reported.changed_since(seen, slack_user_id=user_id, email=email)

    def _changed_since(self, cached: _Cached) -> bool:
        return self._reported.changed_since(cached.seen, slack_user_id=cached.profile.user_id, email=None)

    def _remember(self, user: dict[str, Any], seen: int) -> SlackProfile:
        found, updated = _parsed(user)
        with self._lock:
            cached = self._cache.get(found.user_id)
            # A users.info answer sent before a user_change event may arrive after it: the
            # profile Slack stamped later wins, whichever came in last.
            if cached is not None and cached.updated and updated and cached.updated > updated:
                # Kept, but as just asked: however Slack stamps it, no call again until stale.
                self._cache[found.user_id] = cached._replace(
                    fetched_at=self._clock(), seen=max(cached.seen, seen)
                )
                return cached.profile
            self._cache[found.user_id] = _Cached(self._clock(), updated, seen, found)
        return found

    def from_elsewhere(self, profile: SlackProfile) -> bool:
        """Someone of another organisation (Slack Connect): their admin flag and email are
        their own workspace's, not ours to trust. Someone of another workspace of our own
        Enterprise Grid organisation is ours; so is anyone when Slack names no team."""
        team, enterprise = self.own_workspace()
        if enterprise and profile.enterprise_id == enterprise:
            return False
        return bool(team) and profile.team_id is not None and profile.team_id != team

    def own_workspace(self) -> tuple[str, str]:
        """The bot's own (team id, enterprise id; "" when none), from ``auth.test``."""
        team, enterprise, _ = self._auth()
        return team, enterprise

    def bot_user_id(self) -> str:
        """The bot's own Slack user id, from ``auth.test``."""
        return self._auth()[2]

    def _auth(self) -> tuple[str, str, str]:
        """``auth.test``, asked once per process (again while Slack names no team)."""
        if self._own is None or not self._own[0]:
            answer = self._client.auth_test()
            team, enterprise, user = (answer.get(f) or "" for f in ("team_id", "enterprise_id", "user_id"))
            self._own = (str(team), str(enterprise), str(user))
        return self._own

    def name(self, user_id: str) -> str:
        found = self.profile(user_id)
        return found.name if found else user_id

    def user_by_email(self, email: str) -> str | None:
        """The Slack user with this email (``users.lookupByEmail``), or None."""
        try:
            found = self._client.users_lookupByEmail(email=email)
        except SlackApiError as error:
            if error.response.get("error") == "users_not_found":
                return None
            raise
        return str(found["user"]["id"])

    def dm_channel(self, user_id: str) -> str:
        """The bot's DM channel with a user (``conversations.open``), opened once per process."""
        with self._lock:
            known = self._dm_channels.get(user_id)
        if known is None:
            known = str(self._client.conversations_open(users=user_id)["channel"]["id"])
            with self._lock:
                self._dm_channels[user_id] = known
        return known

    def permalink(self, channel_id: str, message_ts: str) -> str | None:
        try:
            return str(self._client.chat_getPermalink(channel=channel_id, message_ts=message_ts)["permalink"])
        except SlackApiError:
            return None


class _Cached(NamedTuple):
    fetched_at: float  # on the injected monotonic clock
    updated: int  # Slack's stamp of the profile (0: none given)
    seen: int  # the last change any process had recorded when it was fetched
    profile: SlackProfile


def lookup_basis(profile: SlackProfile) -> ReportedProfile:
    """What lookups depend on: the email (as compared) and the deactivation."""
    return ReportedProfile(fold_email(profile.email), profile.deleted)


def _parsed(user: dict[str, Any]) -> tuple[SlackProfile, int]:
    """A ``users.info``/``users.list``/``user_change`` user, and Slack's ``updated`` stamp."""
    user_id = str(user["id"])
    profile = user.get("profile") or {}
    stamp = user.get("updated")
    found = SlackProfile(
        user_id=user_id,
        name=profile.get("real_name") or user.get("real_name") or user.get("name") or user_id,
        # Missing emails come as absent, null or "" (slack-platform.md §5).
        email=profile.get("email") or None,
        tz=user.get("tz") or None,
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        deleted=bool(user.get("deleted")),
        # Slackbot is no bot by its flags; its id says it.
        is_bot=bool(user.get("is_bot") or user.get("is_app_user")) or user_id == "USLACKBOT",
        is_restricted=bool(user.get("is_restricted")),
        is_ultra_restricted=bool(user.get("is_ultra_restricted")),
        team_id=user.get("team_id") or None,
        enterprise_id=(user.get("enterprise_user") or {}).get("enterprise_id") or None,
    )
    return found, stamp if isinstance(stamp, int) else 0
