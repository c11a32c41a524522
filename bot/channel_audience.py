"""Who may read a channel, and so what it may get from the board.

Every channel gets only what the whole board may see (no private thread, nothing of a
Private group); a channel with guests or people of other organisations (Slack Connect)
never gets more. The one exception is a subscription filtered to a Private group: allowed
only in a private, unshared channel whose every member is linked to a portal member of
that group, and paused (kept) as soon as anyone else is in it. The audience comes from
Slack (``conversations.info``, ``conversations.members``, ``users.info``), cached an hour
and refreshed on join and leave events. The relay plans from the cache; a Private-group
subscription whose channel's audience is older than an hour is reviewed first (``postable``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import Executor
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.admin_alerts import admin_notice
from bot.channel_reviews import ReviewQueue
from bot.clock import Clock, utc_now
from bot.group_fit import GroupFit, private_fit
from bot.identity import IdentityService
from bot.portal import NexudusClient, PortalError
from bot.portal.models import CommunityGroup, GroupAccess
from bot.slack_text import SECTION_TEXT, escaped_within
from bot.slack_users import SlackUsers
from store.channel_audience import AudienceMember, ChannelAudience, ChannelAudienceRepository
from store.relay_models import Subscription
from store.subscriptions import SubscriptionRepository

log = logging.getLogger(__name__)

# Slack's join and leave events refresh a channel at once; the hour covers missed events
# and portal group membership changes, which send the bot nothing.
AUDIENCE_TTL = timedelta(hours=1)
# Reads of one channel in a row when joins keep overtaking them; the last one is used anyway.
REREADS = 3
MEMBERS_PAGE = 200  # conversations.members: Slack advises about 200 a page
# Room in a notice's section for the words around the reason.
NOTICE_FRAME = 200


class ChannelAudiences:
    def __init__(
        self,
        *,
        client: WebClient,
        slack_users: SlackUsers,
        identities: IdentityService,
        portal: NexudusClient,
        repository: ChannelAudienceRepository,
        subscriptions: SubscriptionRepository,
        clock: Clock = utc_now,
        background: Executor | None = None,
    ) -> None:
        # Join and leave events are reviewed off the listener threads, one per channel at a time.
        self._reviews = ReviewQueue(self.review, background)
        self._client = client
        self._slack_users = slack_users
        self._identities = identities
        self._portal = portal
        self._repository = repository
        self._subscriptions = subscriptions
        self._clock = clock

    def bot_user_id(self) -> str:
        """The bot's own Slack user id (``auth.test``, asked once)."""
        return self._slack_users.bot_user_id()

    def current(self, channel_id: str) -> ChannelAudience:
        """The cached audience, refreshed from Slack first if older than an hour."""
        known = self._repository.get(channel_id)
        if known is not None and self._clock() - known.refreshed_at < AUDIENCE_TTL:
            return known
        return self.refresh(channel_id)

    def refresh(self, channel_id: str) -> ChannelAudience:
        """Ask Slack who is in the channel now and cache it; SlackApiError propagates. A read
        overtaken by a join or leave (or a fresher read) is read again, so what a review
        decides from is never older than the last event."""
        for _ in range(REREADS):
            read_since = self._clock()
            audience = self._read(channel_id)
            if self._repository.remember(audience, read_since=read_since):
                break
            log.info("audience of %s changed while it was read: reading it again", channel_id)
        return audience

    def _read(self, channel_id: str) -> ChannelAudience:
        info = self._client.conversations_info(channel=channel_id)["channel"]
        team, bot_user = self._slack_users.own_workspace()[0], self._slack_users.bot_user_id()
        members = [
            self._member(user_id, team) for user_id in self._member_ids(channel_id) if user_id != bot_user
        ]
        return ChannelAudience(
            channel_id=channel_id,
            is_private=bool(info.get("is_private")),
            # Slack Connect, Enterprise-wide, or an invitation pending: read as shared (§16).
            shared=any(
                info.get(f) for f in ("is_shared", "is_ext_shared", "is_org_shared", "is_pending_ext_shared")
            ),
            members=tuple(members),
            refreshed_at=self._clock(),
        )

    def group_fit(self, audience: ChannelAudience | None, group_id: int) -> GroupFit:
        """May this channel get group ``group_id``'s threads? Only a Private group needs
        more than the whole board's rule; its members are read from Nexudus, and when they
        cannot be read the answer is no."""
        return self._fit(audience, self._read_group(group_id))

    def members_changed(self, channel_id: str) -> None:
        """Someone joined or left: the cached audience is forgotten at once, and read again
        when next needed (``current``); a channel with a Private-group subscription is also
        reviewed in the background. Until that review lands, its Private groups go nowhere:
        ``postable`` reviews an unknown audience first and ``confirm`` skips it."""
        self._repository.forget(channel_id, self._clock())
        if any(s.group_id is not None for s in self._subscriptions.in_channel(channel_id)):
            self._reviews.request(channel_id)

    def review(self, channel_id: str, groups: dict[int, CommunityGroup | GroupFit] | None = None) -> None:
        """Refresh a channel's audience and pause or resume its Private-group subscriptions.
        ``groups``: the groups read so far in this pass, shared by its reviews (each read once)."""
        try:
            audience: ChannelAudience | None = self.refresh(channel_id)
        except SlackApiError as error:
            log.warning("audience of %s not read: %s", channel_id, error.response.get("error"))
            audience = None
        groups = {} if groups is None else groups
        for subscription in self._subscriptions.in_channel(channel_id):
            group_id = subscription.group_id
            if group_id is None:
                continue
            if group_id not in groups:
                groups[group_id] = self._read_group(group_id)
            self._settle(subscription, self._fit(audience, groups[group_id]))

    def confirm(self, subscriptions: Iterable[Subscription], group_id: int) -> list[Subscription]:
        """Those of ``subscriptions`` (to group ``group_id``, Private now) whose channel fits
        it by its cached audience; the others are paused, their admin told. The fit kept
        from the last review may date from when the group was open to the whole board.
        When the group's members cannot be read it fits no channel this time and nothing is
        paused: one unreadable group must not hold up a whole poll or digest pass."""
        try:
            group = self._portal.group(group_id)
        except PortalError as error:
            log.warning("Private group %d not read, posted in no channel this time: %s", group_id, error)
            return []
        fitting: list[Subscription] = []
        for subscription in subscriptions:
            audience = self._repository.get(subscription.channel_id)
            if audience is None:
                continue  # forgotten on a join or leave: not posted; its pending review settles it
            fit = private_fit(audience, group, in_group=self._in_group, name=self._slack_users.name)
            if fit.fits:
                fitting.append(subscription)
            else:
                self._settle(subscription, fit)
        return fitting

    def postable(self, subscriptions: Iterable[Subscription]) -> list[Subscription]:
        """The subscriptions nothing holds back: the Private-group ones of channels whose
        audience is older than an hour are reviewed first (Slack, never in a transaction)."""
        chosen = list(subscriptions)
        stale = {s.channel_id for s in chosen if s.group_id is not None and self._is_stale(s.channel_id)}
        groups: dict[int, CommunityGroup | GroupFit] = {}  # one read of each group for the pass
        for channel_id in sorted(stale):
            self.review(channel_id, groups)
        paused_channels = {p.channel_id for p in self._repository.channel_pauses()}
        paused = self._repository.subscription_pauses()
        return [s for s in chosen if s.channel_id not in paused_channels and s.id not in paused]

    def _is_stale(self, channel_id: str) -> bool:
        known = self._repository.get(channel_id)
        return known is None or self._clock() - known.refreshed_at >= AUDIENCE_TTL

    def _read_group(self, group_id: int) -> CommunityGroup | GroupFit:
        """The group with its members, or why it could not be read (a refusal)."""
        try:
            return self._portal.group(group_id)
        except PortalError as error:
            return GroupFit(
                False, f"the members of group {group_id} could not be read from Nexudus ({error})"
            )

    def _fit(self, audience: ChannelAudience | None, group: CommunityGroup | GroupFit) -> GroupFit:
        if isinstance(group, GroupFit):
            return group
        if group.group_access != GroupAccess.PRIVATE:
            return GroupFit(True, f"{group.name} is not a Private group: everyone on the board may see it")
        return private_fit(audience, group, in_group=self._in_group, name=self._slack_users.name)

    def _settle(self, subscription: Subscription, fit: GroupFit) -> None:
        now = self._clock()
        name = f"audience-{subscription.id}"
        where, reason = (
            f"Subscription #{subscription.id} in <#{subscription.channel_id}>",
            escaped_within(fit.reason, SECTION_TEXT - NOTICE_FRAME),
        )
        if fit.fits:
            text = f"{where} resumed: {reason}."
            notice = admin_notice(name, subscription.created_by, text, now, cleared=True)
            if self._repository.resume_subscription(subscription.id, [notice]):
                log.info("subscription #%d resumed: %s", subscription.id, fit.reason)
            return
        text = f"{where} is paused (kept): {reason}. Nothing is posted there until the channel fits again."
        notice = admin_notice(name, subscription.created_by, text, now, cleared=False)
        if self._repository.pause_subscription(subscription.id, fit.reason, now, [notice]):
            log.warning("subscription #%d paused: %s", subscription.id, fit.reason)

    def _in_group(self, slack_user_id: str, coworkers: frozenset[int]) -> bool:
        try:
            identity = self._identities.resolve(slack_user_id)
        except (PortalError, SlackApiError):
            return False  # cannot tell: never in favour of posting
        return identity.coworker_id is not None and identity.coworker_id in coworkers

    def _member_ids(self, channel_id: str) -> list[str]:
        found: list[str] = []
        cursor = ""
        while True:
            page = self._client.conversations_members(
                channel=channel_id, limit=MEMBERS_PAGE, cursor=cursor or None
            )
            found += [str(u) for u in page.get("members") or []]
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor:
                return found

    def _member(self, user_id: str, team: str) -> AudienceMember:
        try:
            profile = self._slack_users.profile(user_id)
        except SlackApiError:
            profile = None  # user_not_visible: someone of another organisation (§16)
        if profile is None:
            return AudienceMember(user_id=user_id, external=True)
        return AudienceMember(
            user_id=user_id,
            guest=profile.is_restricted or profile.is_ultra_restricted,
            external=profile.team_id is not None and profile.team_id != team,
            bot=profile.is_bot,
            deleted=profile.deleted,
        )
