"""The app factory: builds services and a Bolt ``App`` wired to the handlers.

The only module of ``bot`` that imports ``handlers``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from wsgiref.types import WSGIApplication

from slack_bolt import App
from slack_sdk import WebClient

from bot.admin_alerts import AdminAlerts
from bot.admins import Admins
from bot.audit import AuditTrail
from bot.channel_audience import ChannelAudiences
from bot.channel_lifecycle import ChannelLifecycle
from bot.channel_subscriptions import ChannelSubscriptions
from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.directory import Directory
from bot.drafts_desk import DraftsDesk
from bot.form_choices import FormChoices
from bot.home import Home
from bot.http_server import HEALTH_PATH, METRICS_PATH, Route
from bot.identity import IdentityService
from bot.logged_app import LoggedApp, log_error
from bot.metrics import BotMetrics, metrics_endpoint
from bot.nexudus_login import NexudusLogin
from bot.portal import NexudusClient
from bot.posting import ThreadPoster
from bot.readiness import Readiness, poll_interval, readiness_endpoint
from bot.reconciliation import Reconciler
from bot.relay.build import build_relay
from bot.relay.cycle import Relay
from bot.relay.delivery import CHANNEL_PACE
from bot.relay.people import PortalPeople
from bot.slack_health import SlackHealth
from bot.slack_retries import CountingRateLimitRetry
from bot.slack_users import SlackUsers
from bot.status import BotStatus
from bot.thread_actions import ThreadActions
from bot.two_way.replies import SlackReplies
from bot.unfurls import ThreadUnfurls
from bot.webhooks.health import WebhookMonitor
from bot.webhooks.receiver import WebhookReceiver
from bot.webhooks.wiring import webhook_monitor, webhook_receiver
from handlers import register_handlers
from handlers.blocks.relay_changes import SlackChangeMarks
from handlers.blocks.relay_messages import SlackRelayRenderer
from handlers.commands.table import SubcommandDeps
from handlers.events.messages import SlackReplyNotices
from handlers.notices import SlackNotices
from store import Store

# A submission holds its listener until posting is done (Nexudus may be slow); with fewer
# threads than a burst of submissions, the last ones would ack past Slack's 3 s. Bolt's
# default is 5; the HTTP server runs more workers than this (bot/http_server.py).
LISTENER_THREADS = 48


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
    audiences: ChannelAudiences | None = None
    lifecycle: ChannelLifecycle | None = None
    # ``POST /nexudus/webhooks``, when NEXUDUS_WEBHOOK_SECRET is set.
    webhooks: WebhookReceiver | None = None
    webhook_health: WebhookMonitor | None = None
    # ``GET /healthz`` and ``GET /metrics``, set by create_app.
    readiness: Readiness = field(init=False)
    metrics: BotMetrics = field(init=False)

    def ops_routes(self) -> dict[Route, WSGIApplication]:
        """Readiness and metrics, for whichever HTTP listener the run mode has."""
        return {
            ("GET", HEALTH_PATH): readiness_endpoint(self.readiness),
            ("GET", METRICS_PATH): metrics_endpoint(self.metrics),
        }


def slack_client(settings: Settings, count_429: Callable[[str], None] | None = None) -> WebClient:
    client = WebClient(
        token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url, timeout=10
    )
    # Honour Retry-After on 429; Bolt copies retry handlers into per-request clients.
    client.retry_handlers.append(CountingRateLimitRetry(max_retry_count=3, count=count_429))
    return client


def portal_client(settings: Settings, store: Store) -> NexudusClient:
    """The Nexudus client for these settings, keeping its tokens in ``store``."""
    return NexudusClient.for_account(
        settings.nexudus_url,
        username=settings.nexudus_username,
        password=settings.nexudus_password,
        sessions=store.portal_session,
    )


def create_app(
    settings: Settings,
    *,
    store: Store,
    portal: NexudusClient,
    client: WebClient | None = None,
    token_verification: bool = False,
    clock: Clock = utc_now,
    channel_pace: float = CHANNEL_PACE,
) -> BotApp:
    """The Bolt app with every listener bound; ``clock`` and ``channel_pace`` are for tests."""
    metrics = BotMetrics(store, clock=clock)
    client = client or slack_client(settings, metrics.slack_rate_limited)
    secret = settings.slack_signing_secret
    app = LoggedApp(
        client=client,
        # Socket Mode has no signatures; Bolt skips verification there by itself.
        signing_secret=secret.get_secret_value() if secret else "socket-mode",
        token_verification_enabled=token_verification,
        raise_error_for_unhandled_request=False,
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="listener"),
    )
    app.error(log_error)
    app.metrics = metrics
    bot = _services(app, settings, store, portal, clock, channel_pace)
    bot.webhooks = webhook_receiver(settings, relay=bot.relay, portal=portal, background=bot.background)
    bot.webhook_health = webhook_monitor(
        settings, store=store, portal=portal, directory=bot.directory, clock=clock
    )
    _observe(bot, metrics, settings, portal)
    _register(bot, settings, portal)
    return bot


def _observe(bot: BotApp, metrics: BotMetrics, settings: Settings, portal: NexudusClient) -> None:
    """Metrics counted where things happen, and the readiness report."""
    bot.metrics = metrics
    portal.count_answers(metrics.nexudus_answered)
    bot.relay.sender.on_sent = metrics.message_sent
    # Each pause another part of the bot keeps is a readiness check (Readiness.add_pause).
    bot.readiness = Readiness(
        store=bot.store,
        poll_interval=poll_interval(
            settings.poll_seconds, bot.webhook_health.latest if bot.webhook_health else None
        ),
        clock=bot.clock,
        paused={"slack": bot.slack_health.paused, "nexudus": bot.nexudus_login.refusal},
    )


def _register(bot: BotApp, settings: Settings, portal: NexudusClient) -> None:
    """Each listener gets the domain objects it needs; these are made for listeners only."""
    store, clock = bot.store, bot.clock
    assert bot.audiences is not None and bot.lifecycle is not None  # set by _services
    audit = AuditTrail(store.audit, clock=clock)  # stateless: IdentityService holds another
    register_handlers(
        bot.app,
        choices=FormChoices(
            identities=bot.identities, directory=bot.directory, background=bot.background, clock=clock
        ),
        drafts=bot.drafts,
        notices=bot.notices,
        home=bot.home,
        thread_actions=ThreadActions(identities=bot.identities, portal=portal),
        unfurls=ThreadUnfurls(
            portal=portal,
            people=PortalPeople(
                portal=portal,
                slack_users=bot.slack_users,
                identities=store.identities,
                cache=store.portal_people,
                clock=clock,
            ),
            directory=bot.directory,
            thread_url_template=settings.thread_url_template,
        ),
        slack_replies=bot.slack_replies,
        admins=Admins(settings.admins, bot.slack_users),
        slack_health=bot.slack_health,
        audiences=bot.audiences,
        lifecycle=bot.lifecycle,
        subcommands=SubcommandDeps(
            identities=bot.identities,
            channels=ChannelSubscriptions(
                subscriptions=store.subscriptions,
                directory=bot.directory,
                default_digest_time=settings.digest_time,
                clock=clock,
                audit=audit,
                outbox=store.outbox,
                audiences=bot.audiences,
            ),
            status=BotStatus(
                outbox=store.outbox,
                runs=store.relay_state,
                deliver=bot.relay.sender.deliver_due,
                background=bot.background,
                audit=audit,
                webhooks=bot.webhook_health.latest if bot.webhook_health else lambda: None,
                slack=bot.slack_health,
                nexudus=bot.nexudus_login,
                paused_channels=bot.lifecycle.paused,
            ),
        ),
    )


def _services(
    app: App, settings: Settings, store: Store, portal: NexudusClient, clock: Clock, channel_pace: float
) -> BotApp:
    client = app.client
    slack_users = SlackUsers(client)
    identities = IdentityService(
        portal=portal,
        slack_users=slack_users,
        identities=store.identities,
        clock=clock,
        audit=AuditTrail(store.audit, clock=clock),
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
    relay = build_relay(
        settings,
        store=store,
        portal=portal,
        slack_users=slack_users,
        directory=directory,
        client=client,
        renderer=SlackRelayRenderer(),
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
        admins=Admins(settings.admins, slack_users),
    )
    return BotApp(
        app, store, slack_users, identities, directory, poster, drafts, home, notices, relay,
        background, clock, slack_health=slack_health, nexudus_login=nexudus_login,
        slack_replies=slack_replies, reply_notices=SlackReplyNotices(client),
        audiences=audiences, lifecycle=lifecycle,
    )  # fmt: skip
