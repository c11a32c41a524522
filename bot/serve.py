"""``python -m bot serve``: the bot in Socket Mode or HTTP mode, with its scheduler."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackClientError

from bot.app import create_app, portal_client
from bot.config import Settings
from bot.http_server import EVENTS_PATH, SlackHttpServer, slack_routes
from bot.scheduler import BackgroundJobs, build_scheduler
from bot.webhooks.wiring import webhook_listener
from store import Store

log = logging.getLogger(__name__)

# slack_sdk's Socket Mode client joins its reader threads on close and, rarely, one is
# still blocked on the socket (seen under load in CI): shutdown must not wait on it.
SOCKET_CLOSE_WAIT = 5.0


def serve(settings: Settings) -> int:
    store = Store(settings.database)
    portal = portal_client(settings, store)
    try:
        # Verifies the bot token with auth.test now rather than on the first request.
        bot = create_app(settings, store=store, portal=portal, token_verification=True)
    except (BoltError, SlackClientError, OSError) as error:
        log.error("cannot start: Slack did not accept the bot token (%s). Run: python -m bot check", error)
        portal.close()
        store.close()
        return 1
    stop = threading.Event()
    jobs = BackgroundJobs(
        poster=bot.poster,
        drafts=store.drafts,
        directory=bot.directory,
        notifier=bot.notices,
        relay=bot.relay,
        stop=stop,
        clock=bot.clock,
        webhooks=bot.webhook_health,
    )
    scheduler = build_scheduler(jobs, store.relay_state, poll_seconds=settings.poll_seconds, clock=bot.clock)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info("received %s, shutting down", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    scheduler.start()
    try:
        if settings.slack_app_token is not None:
            try:
                listener = webhook_listener(bot.webhooks, port=settings.port)
            except OSError as error:
                log.error(
                    "cannot listen on port %s for webhooks (%s): set PORT to a free port",
                    settings.port,
                    error,
                )
                return 1
            handler = SocketModeHandler(bot.app, settings.slack_app_token.get_secret_value())
            handler.connect()  # type: ignore[no-untyped-call]
            log.info("connected to Slack in Socket Mode")
            stop.wait()
            close_within(handler, SOCKET_CLOSE_WAIT)
            if listener is not None:
                listener.stop()
        else:
            try:
                server = SlackHttpServer(slack_routes(bot.app, bot.webhooks), port=settings.port)
            except OSError as error:
                log.error("cannot listen on port %s (%s): set PORT to a free port", settings.port, error)
                return 1
            server.start_in_background()
            log.info("listening for Slack on http://0.0.0.0:%s%s", server.port, EVENTS_PATH)
            stop.wait()
            server.stop()
    finally:
        # A running job finishes its current send (the stop event halts it between sends).
        scheduler.shutdown(wait=True)
        bot.background.shutdown(wait=True)
        portal.close()
        store.close()
    return 0


def close_within(handler: SocketModeHandler, seconds: float) -> None:
    """Close the Socket Mode connection, waiting at most ``seconds`` for it to finish."""
    closing = threading.Thread(target=handler.close, name="socket-mode-close", daemon=True)
    closing.start()
    closing.join(seconds)
    if closing.is_alive():
        log.warning("the Slack socket did not close within %.0f s; shutting down anyway", seconds)
