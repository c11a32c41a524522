"""Every service of the bot, built once: the composition root behind ``create_app``.

With ``bot/app.py``, the only module of ``bot`` that imports ``handlers`` (the Block Kit
renderers the services are given).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from wsgiref.types import WSGIApplication

from pydantic import SecretStr
from slack_bolt import App

from bot.admin_alerts import AdminAlerts
from bot.admins import Admins
from bot.audit import AuditTrail
from bot.channel_audience import ChannelAudiences
from bot.channel_lifecycle import ChannelLifecycle
from bot.clock import Clock
from bot.config import Settings
from bot.directory import Directory
from bot.drafts_desk import DraftsDesk
from bot.home import Home
from bot.http_server import HEALTH_PATH, METRICS_PATH, Route
from bot.identity import IdentityService
from bot.metrics import BotMetrics, metrics_endpoint
from bot.nexudus_login import NexudusLogin
from bot.portal import NexudusClient
from bot.posting import ThreadPoster
from bot.readiness import Readiness, readiness_endpoint
from bot.reconciliation import Reconciler
from bot.relay.build import build_relay
from bot.relay.cycle import Relay
from bot.relay.people import PortalPeople
from bot.slack_health import SlackHealth
from bot.slack_users import SlackUsers
from bot.two_way.replies import SlackReplies
from bot.webhooks.health import WebhookMonitor
from bot.webhooks.receiver import WebhookReceiver
from bot.webhooks.wiring import webhook_monitor, webhook_receiver
from handlers.blocks.relay_changes import SlackChangeMarks
from handlers.blocks.relay_messages import SlackRelayRenderer
from handlers.events.messages import SlackReplyNotices
from handlers.notices import SlackNotices
from store import Store


@dataclass
class BotApp:
    """The Bolt app and the services behind it, for the command line, the scheduler and tests."""

    app: App
    store: Store
    slack_users: SlackUsers
    identities: IdentityService
    directory: Directory
    poster: ThreadPoster
    drafts: DraftsDesk
    home: Home
    notices: SlackNotices
    relay: Relay
    # Work that must not hold up an ack: Nexudus calls, cache refreshes.
    background: ThreadPoolExecutor
    clock: Clock
    # Credentials that broke: Slack's token (sending paused), Nexudus's login (admins told).
    slack_health: SlackHealth
    nexudus_login: NexudusLogin
    # Replies typed in Slack, posted to the board as the member; and telling them the outcome.
    slack_replies: SlackReplies
    reply_notices: SlackReplyNotices
    # Who is in each channel, and channels the bot cannot post in (issue 9).
    audiences: ChannelAudiences
    lifecycle: ChannelLifecycle
    # Webhook health reads "off" while NEXUDUS_WEBHOOK_SECRET is unset.
    webhook_health: WebhookMonitor
    # Built once here for whoever needs them (listeners, the relay), all stateless.
    audit: AuditTrail
    admins: Admins
    people: PortalPeople
    # ``POST /nexudus/webhooks``, when NEXUDUS_WEBHOOK_SECRET is set.
    webhooks: WebhookReceiver | None
    # Asked of every ``GET /metrics`` when BOT_METRICS_TOKEN is set.
    metrics_token: SecretStr | None
    # ``GET /healthz`` and ``GET /metrics``, set by create_app.
    readiness: Readiness = field(init=False)
    metrics: BotMetrics = field(init=False)

    def ops_routes(self) -> dict[Route, WSGIApplication]:
        """Readiness and metrics, for whichever HTTP listener the run mode has."""
        return {
            ("GET", HEALTH_PATH): readiness_endpoint(self.readiness),
            ("GET", METRICS_PATH): metrics_endpoint(self.metrics, token=self.metrics_token),
        }


def build_services(
    app: App, settings: Settings, store: Store, portal: NexudusClient, clock: Clock, channel_pace: float
) -> BotApp:
    client = app.client
    slack_users = SlackUsers(client, reported=store.slack_profiles)
    audit = AuditTrail(store.audit, clock=clock)
    identities = IdentityService(
        portal=portal, slack_users=slack_users, identities=store.identities, clock=clock, audit=audit
    )
    directory = Directory(portal=portal, cache=store.directory)
    notices = SlackNotices(client, directory=directory, drafts=store.drafts, slack_users=slack_users)
    admin_alerts = AdminAlerts(store.alerts, settings.admins, clock=clock)
    slack_health = SlackHealth(
        client, alerts=store.alerts, leases=store.leases, admins=admin_alerts, clock=clock
    )
    nexudus_login = NexudusLogin(admin_alerts)
    poster = ThreadPoster(
        portal=portal,
        identities=identities,
        slack_users=slack_users,
        drafts=store.drafts,
        sharer=notices,
        thread_url_template=settings.thread_url_template,
        clock=clock,
        login=nexudus_login,
    )
    background = ThreadPoolExecutor(max_workers=8, thread_name_prefix="portal")
    drafts = DraftsDesk(
        drafts=store.drafts,
        poster=poster,
        background=background,
        thread_url_template=settings.thread_url_template,
        clock=clock,
    )
    audiences = ChannelAudiences(
        client=client,
        slack_users=slack_users,
        identities=identities,
        portal=portal,
        repository=store.channel_audience,
        subscriptions=store.subscriptions,
        clock=clock,
        background=background,
    )
    lifecycle = ChannelLifecycle(
        pauses=store.channel_audience, subscriptions=store.subscriptions, alerts=admin_alerts, clock=clock
    )
    people = PortalPeople(
        portal=portal,
        slack_users=slack_users,
        identities=store.identities,
        cache=store.portal_people,
        clock=clock,
    )
    relay = build_relay(
        settings,
        store=store,
        portal=portal,
        slack_users=slack_users,
        directory=directory,
        client=client,
        renderer=SlackRelayRenderer(),
        people=people,
        alerts=admin_alerts,
        clock=clock,
        channel_pace=channel_pace,
        marks=SlackChangeMarks(),
        slack_health=slack_health,
        nexudus_login=nexudus_login,
        audiences=audiences,
        lifecycle=lifecycle,
    )
    slack_replies = SlackReplies(
        outbox=store.outbox,
        replies=store.slack_replies,
        identities=identities,
        portal=portal,
        name_of=slack_users.name,
        clock=clock,
        login=nexudus_login,
    )
    admins = Admins(settings.admins, slack_users)
    home = Home(
        identities=identities,
        slack_users=slack_users,
        portal=portal,
        preferences=store.preferences,
        subjects=store.thread_subjects,
        default_digest_time=settings.digest_time,
        thread_url_template=settings.thread_url_template,
        clock=clock,
        reconciler=Reconciler(
            slack_users=slack_users, identities=identities, links=store.identities, portal=portal, clock=clock
        ),
        admins=admins,
    )
    return BotApp(
        app, store, slack_users, identities, directory, poster, drafts, home, notices, relay,
        background, clock, slack_health=slack_health, nexudus_login=nexudus_login,
        slack_replies=slack_replies, reply_notices=SlackReplyNotices(client),
        audiences=audiences, lifecycle=lifecycle,
        webhook_health=webhook_monitor(
            settings, portal=portal, directory=directory, alerts=admin_alerts, clock=clock
        ),
        audit=audit, admins=admins, people=people,
        webhooks=webhook_receiver(settings, relay=relay, portal=portal, background=background),
        metrics_token=settings.metrics_token,
    )  # fmt: skip
