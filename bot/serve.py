"""``python -m bot serve``: the bot in Socket Mode or HTTP mode, with its scheduler.

Both modes serve ``GET /healthz`` (readiness) and ``GET /metrics`` on ``PORT``: in Socket
Mode a small listener answers them (and Nexudus's webhooks, when set up), so a container's
health check and a Prometheus scrape work the same in either mode. On SIGTERM the bot stops
listening, lets the message being sent finish, gives back its outbox claims and exits
within ``SHUTDOWN_BUDGET`` (Docker waits 10 s before SIGKILL by default; compose.yaml and
the systemd unit here allow 15 s).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from types import FrameType
from wsgiref.types import WSGIApplication

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackClientError

from bot.app import create_app, portal_client
from bot.composition import BotApp
from bot.config import Settings
from bot.http_server import EVENTS_PATH, Route, SlackHttpServer, listener_routes, slack_routes
from bot.metrics import count_job_runs
from bot.scheduler import BackgroundJobs, build_scheduler
from store import Store

log = logging.getLogger(__name__)

# slack_sdk's Socket Mode client joins its reader threads on close and, rarely, one is
# still blocked on the socket (seen under load in CI): shutdown must not wait on it.
SOCKET_CLOSE_WAIT = 5.0
# From SIGTERM to exit; the steps run side by side. Below Docker's default 10 s (and the
# 15 s compose.yaml and the systemd unit allow), so the bot exits by itself, with its
# claims given back, before it would be killed.
SHUTDOWN_BUDGET = 8.0
# Python runs signal handlers in the main thread only, and the kernel may hand SIGTERM to
# any thread: one taken by a worker thread never wakes a main thread blocked on a lock, so
# the main thread waits in slices this long and runs the handler at the end of one.
SIGNAL_CHECK_SECONDS = 0.5

Stop = Callable[[], None]


class CannotListen(Exception):
    """The port is taken and the run mode needs it."""


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
    scheduler = _scheduler(bot, settings, stop)
    stop_on_signals(stop)
    scheduler.start()
    listeners: list[Stop] = []
    code = 0
    try:
        listeners = listen(settings, bot)
        wait_until_stopped(stop)
    except CannotListen as error:
        log.error("%s", error)
        code = 1
    if not shut_down(bot, scheduler, listeners):
        # A send or a Nexudus call is stuck: its claim lapses and another process takes the
        # message over. Worker threads would hold the interpreter open, so leave now.
        logging.shutdown()
        os._exit(1)
    portal.close()
    store.close()
    return code


def _scheduler(bot: BotApp, settings: Settings, stop: threading.Event) -> BackgroundScheduler:
    jobs = BackgroundJobs(
        poster=bot.poster,
        drafts=bot.store.drafts,
        directory=bot.directory,
        notifier=bot.notices,
        relay=bot.relay,
        stop=stop,
        clock=bot.clock,
        webhooks=bot.webhook_health,
        replies=bot.slack_replies,
        reply_notifier=bot.reply_notices,
    )
    scheduler = build_scheduler(
        jobs, bot.store.relay_state, poll_seconds=settings.poll_seconds, clock=bot.clock
    )
    count_job_runs(scheduler, bot.metrics)
    return scheduler


def stop_on_signals(stop: threading.Event) -> None:
    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info("received %s, shutting down", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)


def wait_until_stopped(stop: threading.Event) -> None:
    """Block the main thread until ``stop`` is set, by a signal whichever thread took it."""
    while not stop.wait(SIGNAL_CHECK_SECONDS):
        pass


def listen(settings: Settings, bot: BotApp) -> list[Stop]:
    """Start receiving Slack's requests (and serving /healthz, /metrics); how to stop each."""
    ops = bot.ops_routes()
    if settings.slack_app_token is None:
        server = _http_server(
            slack_routes(bot.app, bot.webhooks, ops), settings.port, needed="Slack's requests"
        )
        log.info("listening for Slack on http://0.0.0.0:%s%s", server.port, EVENTS_PATH)
        return [server.stop]
    stops: list[Stop] = []
    routes = listener_routes(bot.webhooks, ops)
    try:
        # Webhooks need the port; /healthz and /metrics alone are worth a warning, not a stop.
        needed = "webhooks" if bot.webhooks is not None else None
        stops.append(_http_server(routes, settings.port, needed=needed).stop)
    except CannotListen as error:
        if bot.webhooks is not None:
            raise
        log.warning("%s; Socket Mode runs on without /healthz and /metrics", error)
    handler = SocketModeHandler(bot.app, settings.slack_app_token.get_secret_value())
    handler.connect()  # type: ignore[no-untyped-call]
    log.info("connected to Slack in Socket Mode")
    return [lambda: close_within(handler, SOCKET_CLOSE_WAIT), *stops]


def _http_server(
    routes: Mapping[Route, WSGIApplication], port: int, *, needed: str | None
) -> SlackHttpServer:
    try:
        server = SlackHttpServer(routes, port=port)
    except OSError as error:
        why = f" for {needed}" if needed else ""
        raise CannotListen(f"cannot listen on port {port}{why} ({error}): set PORT to a free port") from error
    return server.start_in_background()


def shut_down(bot: BotApp, scheduler: BackgroundScheduler, listeners: list[Stop]) -> bool:
    """Stop listening and scheduling, let the job under way finish the message it is sending
    (``deliver_due`` stops between sends), then give back this process's outbox claims.
    The steps run side by side within ``SHUTDOWN_BUDGET``; False if one is still running."""
    steps: list[Stop] = [
        *listeners,
        lambda: scheduler.shutdown(wait=True),
        lambda: bot.background.shutdown(wait=True, cancel_futures=True),
    ]
    threads = [threading.Thread(target=step, name="shutdown", daemon=True) for step in steps]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + SHUTDOWN_BUDGET
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in threads):
        log.warning("shutdown took over %.0f s: leaving with work under way", SHUTDOWN_BUDGET)
        return False
    released = bot.relay.sender.release_claims()
    if released:
        log.info("gave back %s outbox claim(s): another process sends those messages", released)
    return True


def close_within(handler: SocketModeHandler, seconds: float) -> None:
    """Close the Socket Mode connection, waiting at most ``seconds`` for it to finish."""
    closing = threading.Thread(target=handler.close, name="socket-mode-close", daemon=True)
    closing.start()
    closing.join(seconds)
    if closing.is_alive():
        log.warning("the Slack socket did not close within %.0f s; shutting down anyway", seconds)
