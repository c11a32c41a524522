"""The app factory: builds services and a Bolt ``App`` wired to the handlers.

With ``bot/composition.py``, the only module of ``bot`` that imports ``handlers``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from slack_sdk import WebClient

from bot.channel_subscriptions import ChannelSubscriptions
from bot.clock import Clock, utc_now
from bot.composition import BotApp, build_services
from bot.config import Settings
from bot.form_choices import FormChoices
from bot.logged_app import LoggedApp, log_error
from bot.metrics import BotMetrics
from bot.portal import NexudusClient
from bot.profile_changes import ProfileChanges
from bot.readiness import Readiness, poll_interval
from bot.relay.delivery import CHANNEL_PACE
from bot.slack_retries import CountingRateLimitRetry
from bot.status import BotStatus
from bot.thread_actions import ThreadActions
from bot.unfurls import ThreadUnfurls
from handlers import register_handlers
from handlers.commands.table import SubcommandDeps
from store import Store

# A submission holds its listener until posting is done (Nexudus may be slow); with fewer
# threads than a burst of submissions, the last ones would ack past Slack's 3 s. Bolt's
# default is 5; the HTTP server runs more workers than this (bot/http_server.py).
LISTENER_THREADS = 48


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
    bot = build_services(app, settings, store, portal, clock, channel_pace)
    _observe(bot, metrics, settings, portal)
    _register(bot, settings, portal)
    return bot


def _observe(bot: BotApp, metrics: BotMetrics, settings: Settings, portal: NexudusClient) -> None:
    """Metrics counted where things happen, and the readiness report."""
    bot.metrics = metrics
    portal.count_answers(metrics.nexudus_answered)
    bot.relay.sender.on_sent = metrics.message_sent
    # Each pause another part of the bot keeps is a readiness check.
    bot.readiness = Readiness(
        store=bot.store,
        poll_interval=poll_interval(settings.poll_seconds, bot.webhook_health.latest),
        clock=bot.clock,
        paused={"slack": bot.slack_health.paused, "nexudus": bot.nexudus_login.refusal},
    )


def _register(bot: BotApp, settings: Settings, portal: NexudusClient) -> None:
    """Each listener gets the domain objects it needs; these are made for listeners only."""
    store, clock = bot.store, bot.clock
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
            people=bot.people,
            directory=bot.directory,
            thread_url_template=settings.thread_url_template,
        ),
        slack_replies=bot.slack_replies,
        admins=bot.admins,
        slack_health=bot.slack_health,
        audiences=bot.audiences,
        lifecycle=bot.lifecycle,
        profiles=ProfileChanges(slack_users=bot.slack_users, identities=bot.identities, people=bot.people),
        subcommands=SubcommandDeps(
            identities=bot.identities,
            channels=ChannelSubscriptions(
                subscriptions=store.subscriptions,
                directory=bot.directory,
                default_digest_time=settings.digest_time,
                clock=clock,
                audit=bot.audit,
                outbox=store.outbox,
                audiences=bot.audiences,
            ),
            status=BotStatus(
                outbox=store.outbox,
                runs=store.relay_state,
                deliver=bot.relay.sender.deliver_due,
                background=bot.background,
                audit=bot.audit,
                webhooks=bot.webhook_health.latest,
                slack=bot.slack_health,
                nexudus=bot.nexudus_login,
                paused_channels=bot.lifecycle.paused,
            ),
        ),
    )
