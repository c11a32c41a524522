"""Assembling the relay from the running bot's services."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.account_zone import bot_time_zone
from bot.config import Settings
from bot.relay.cycle import Relay
from bot.relay.delivery import OutboxSender
from bot.relay.digests import DigestSender
from bot.relay.items import RelayRenderer
from bot.relay.people import PortalPeople
from bot.relay.plan import RelayPlanner
from bot.relay.watch import BoardWatcher
from bot.services import Services
from bot.timekeeping import parse_clock_time


def build_relay(settings: Settings, services: Services, client: WebClient, renderer: RelayRenderer) -> Relay:
    store, portal = services.store, services.portal
    people = PortalPeople(
        portal=portal, people=services.people, identities=store.identities, cache=store.portal_people
    )
    planner = RelayPlanner(
        portal=portal,
        people=people,
        directory=services.directory,
        subscriptions=store.subscriptions,
        preferences=store.preferences,
        outbox=store.outbox,
        renderer=renderer,
        thread_url_template=settings.thread_url_template,
    )
    default_time = parse_clock_time(settings.digest_time)
    assert default_time is not None  # validated with the settings
    digests = DigestSender(
        portal=portal,
        digests=store.digests,
        subscriptions=store.subscriptions,
        preferences=store.preferences,
        people=services.people,
        renderer=renderer,
        default_time=default_time,
        default_zone=bot_time_zone(settings.time_zone, portal, settings.nexudus_username),
    )
    return Relay(
        store=store,
        watcher=BoardWatcher(
            portal, store.relay_state, zones=lambda: [loc.time_zone for loc in services.directory.locations()]
        ),
        planner=planner,
        sender=OutboxSender(client, store.outbox, services.people),
        digests=digests,
    )
