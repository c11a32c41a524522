"""Assembling the relay from the running bot's services."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.account_zone import bot_time_zone
from bot.admin_alerts import AdminAlerts
from bot.channel_audience import ChannelAudiences
from bot.channel_lifecycle import ChannelLifecycle
from bot.clock import Clock
from bot.config import Settings
from bot.directory import Directory
from bot.nexudus_login import NexudusLogin
from bot.portal import NexudusClient
from bot.relay.change_delivery import ChangeSender
from bot.relay.changes import ChangeMarks, PortalChanges
from bot.relay.cycle import Relay
from bot.relay.delivery import CHANNEL_PACE, OutboxSender
from bot.relay.digests import DigestSender
from bot.relay.items import RelayRenderer
from bot.relay.people import PortalPeople
from bot.relay.plan import RelayPlanner
from bot.relay.watch import BoardWatcher
from bot.slack_health import SlackHealth
from bot.slack_users import SlackUsers
from bot.timekeeping import parse_clock_time
from store import Store


def build_relay(
    settings: Settings,
    *,
    store: Store,
    portal: NexudusClient,
    slack_users: SlackUsers,
    directory: Directory,
    client: WebClient,
    renderer: RelayRenderer,
    people: PortalPeople,
    alerts: AdminAlerts,
    clock: Clock,
    channel_pace: float = CHANNEL_PACE,
    marks: ChangeMarks | None = None,
    slack_health: SlackHealth | None = None,
    nexudus_login: NexudusLogin | None = None,
    audiences: ChannelAudiences | None = None,
    lifecycle: ChannelLifecycle | None = None,
) -> Relay:
    planner = RelayPlanner(
        portal=portal,
        people=people,
        directory=directory,
        subscriptions=store.subscriptions,
        preferences=store.preferences,
        outbox=store.outbox,
        renderer=renderer,
        thread_url_template=settings.thread_url_template,
        slack_replies=store.slack_replies,
        audiences=audiences,
    )
    default_time = parse_clock_time(settings.digest_time)
    assert default_time is not None  # validated with the settings
    digests = DigestSender(
        portal=portal,
        digests=store.digests,
        subscriptions=store.subscriptions,
        preferences=store.preferences,
        slack_users=slack_users,
        renderer=renderer,
        default_time=default_time,
        default_zone=bot_time_zone(settings.time_zone, portal, settings.nexudus_username),
        clock=clock,
        audiences=audiences,
    )

    def zones() -> list[str | None]:
        return [loc.time_zone for loc in directory.locations()]

    watcher = BoardWatcher(portal, store.relay_state, zones=zones, subjects=store.thread_subjects)
    changes = None
    if marks is not None:
        changes = PortalChanges(
            portal=portal,
            outbox=store.outbox,
            changes=store.relayed_changes,
            planner=planner,
            renderer=renderer,
            marks=marks,
            directory=directory,
            zones=zones,
        )
    return Relay(
        store=store,
        watcher=watcher,
        planner=planner,
        sender=OutboxSender(
            client,
            store.outbox,
            slack_users,
            clock=clock,
            channel_pace=channel_pace,
            health=slack_health,
            channel_refused=lifecycle.send_refused if lifecycle else None,
            turns=store.channel_turns,
        ),
        digests=digests,
        clock=clock,
        changes=changes,
        change_sender=ChangeSender(
            client,
            store.relayed_changes,
            clock=clock,
            health=slack_health,
            alerts=alerts,
            channel_pace=channel_pace,
            turns=store.channel_turns,
        ),
        slack_health=slack_health,
        nexudus_login=nexudus_login,
    )
