"""The app factory: builds services and a Bolt ``App`` wired to the handlers.

The only module of ``bot`` that imports ``handlers``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from wsgiref.types import WSGIApplication

from slack_bolt import App, BoltRequest, BoltResponse
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
from bot.metrics import BotMetrics, CountingRateLimitRetry, metrics_endpoint
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
from handlers.notices import SlackNotices
from store import Store

log = logging.getLogger("bot.requests")

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
    app.error(_log_error)
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
        slack_replies=SlackReplies(
            outbox=store.outbox,
            replies=store.slack_replies,
            identities=bot.identities,
            portal=portal,
            name_of=bot.slack_users.name,
            clock=clock,
        ),
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
        audiences=audiences, lifecycle=lifecycle,
    )  # fmt: skip


class LoggedApp(App):
    """One log line per request outcome, in HTTP and Socket Mode alike (both dispatch here),
    and its count and time in the metrics."""

    metrics: BotMetrics | None = None

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        response = super().dispatch(req)
        body = req.body if isinstance(req.body, dict) else {}
        seconds = time.perf_counter() - started
        if self.metrics is not None:
            self.metrics.request_answered(body, response.status, seconds)
        user, ms = _user(body), round(seconds * 1000)
        log.info(
            "%s user=%s -> %s in %d ms",
            _describe(body),
            user,
            response.status,
            ms,
            # Fields of their own for BOT_LOG_FORMAT=json (bot/logs.py).
            extra={"request_id": _request_id(body), "user": user, "outcome": response.status, "ms": ms},
        )
        return response


def _log_error(error: Exception, body: dict[str, Any]) -> None:
    log.error("unhandled error in %s", _describe(body), exc_info=error)


def _describe(body: dict[str, Any]) -> str:
    if "command" in body:
        return f"command {body['command']}"
    kind = body.get("type", "event")
    if kind == "block_actions":
        return "action " + ",".join(a.get("action_id", "?") for a in body.get("actions", []))
    if kind in ("view_submission", "view_closed"):
        return f"{kind} {body.get('view', {}).get('callback_id')}"
    if kind in ("shortcut", "message_action"):
        return f"shortcut {body.get('callback_id')}"
    if kind == "event_callback":
        return f"event {body.get('event', {}).get('type')}"
    return str(kind)


def _request_id(body: dict[str, Any]) -> str:
    # An event keeps its event_id when Slack retries it, so a retry is recognisable;
    # commands and interactions carry no id of their own.
    return str(body.get("event_id") or uuid.uuid4().hex[:16])


def _user(body: dict[str, Any]) -> str:
    user = body.get("user_id") or body.get("user") or {}
    return str(user.get("id") if isinstance(user, dict) else user)
