"""HTTP mode: Slack's requests arrive at ``POST /slack/events`` and go to Bolt's WSGI adapter.

Served in-process by waitress, so the scheduler keeps running in the same process: gunicorn
would fork workers that each ran their own scheduler, and uvicorn serves ASGI, which needs
Bolt's ``AsyncApp``. Waitress reads and accepts on one async loop, so slow or half-open
clients hold no worker thread; it drops idle connections and refuses large bodies (413)
before reading them. Bolt verifies the signature and timestamp (401 otherwise). Put a
TLS-terminating proxy in front of it.
"""

from __future__ import annotations

import logging
import resource
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import wasyncore
from waitress.server import TcpWSGIServer

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
WEBHOOKS_PATH = "/nexudus/webhooks"
MAX_BODY = 1024 * 1024  # Slack's payloads are a few KB; anything near this is not Slack.
STOP_GRACE = 5  # seconds a request being answered gets to finish when the server stops
FILE_HEADROOM = 100  # descriptors kept for the bot's own files and outgoing connections
# Fewer would leave Slack's retries of a burst queued behind idle connections; past a tiny
# hard limit some accept() calls fail instead, which is better than never accepting at all.
MIN_CONNECTIONS = 16

log = logging.getLogger(__name__)

Route = tuple[str, str]  # (method, path)


def slack_routes(
    app: App, webhooks: WSGIApplication | None = None, ops: Mapping[Route, WSGIApplication] | None = None
) -> dict[Route, WSGIApplication]:
    """Every address the bot answers; anything else is 404. ``webhooks``: Nexudus's pushes,
    answered only when a shared secret is set; ``ops``: ``BotApp.ops_routes()``."""
    routes: dict[Route, WSGIApplication] = {("POST", EVENTS_PATH): SlackRequestHandler(app, path=EVENTS_PATH)}
    return routes | listener_routes(webhooks, ops)


def listener_routes(
    webhooks: WSGIApplication | None, ops: Mapping[Route, WSGIApplication] | None = None
) -> dict[Route, WSGIApplication]:
    """What the bot answers besides Slack's requests (all of Socket Mode's HTTP listener):
    Nexudus's pushes (when set up), readiness and metrics (``ops``: ``GET /healthz`` and
    ``GET /metrics``; without them, a constant "ok" health check)."""
    routes: dict[Route, WSGIApplication] = {("GET", HEALTH_PATH): _plain(200, "ok"), **(ops or {})}
    if webhooks is not None:
        routes[("POST", WEBHOOKS_PATH)] = webhooks
    return routes


def route_requests(routes: Mapping[Route, WSGIApplication]) -> WSGIApplication:
    not_found = _plain(404, "not found")

    def route(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        target = routes.get((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")), not_found)
        return target(environ, start_response)

    return route


def _plain(status: int, text: str) -> WSGIApplication:
    body = text.encode()
    line = {200: "200 OK", 404: "404 Not Found"}[status]

    def answer(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response(line, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    return answer


def fit_open_files(connections: int) -> int:
    """Raise the soft open-files limit to hold ``connections`` if the hard limit allows; return
    the connection limit that fits. Past it, accept() fails with EMFILE on every loop turn and
    the bot's own files and calls fail too, so fewer connections is the lesser harm.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + FILE_HEADROOM
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return connections
    soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    fitted = min(connections, max(soft - FILE_HEADROOM, MIN_CONNECTIONS))
    if fitted < connections:
        log.warning("open-files limit %s: serving at most %s connections (raise ulimit -n)", hard, fitted)
    return fitted


def quiet_queue_warnings() -> None:
    """Silence waitress's per-request "Task queue depth" warning; call once, with logging setup.

    A queue of a few requests during a burst is what the backlog is for, and LoggedApp already
    logs every request with its time. Changing a shared logger belongs to the program's
    logging setup, not to each server built (tests build many).
    """
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


class SlackHttpServer:
    """The bot's HTTP listener: ``start_in_background()`` (or ``serve_forever()``), then ``stop()``.

    ``backlog``: connections the kernel queues before we accept them (the stdlib's 5 made
    a burst of slash commands wait for TCP retries, past Slack's 3-second trigger expiry);
    Linux caps it at ``net.core.somaxconn`` (4096 since kernel 5.4, 128 before).
    ``connection_limit``: open connections, idle ones included, before accepting pauses.
    ``threads``: requests handled at once; Bolt holds one only until the listener acks, but
    a form submission acks only once posting is done or ``ACK_BUDGET`` (2 s) has passed, so
    with 16 a burst of submissions queued here past Slack's 3 s. 64 is more than Bolt's 48
    listener threads, so waitress is never the narrower of the two: a request waiting for a
    listener waits inside Bolt, already read, and requests that never reach a listener
    (health checks, bad signatures) are not queued behind submissions.
    ``channel_timeout``: seconds a connection may stay silent before it is closed.
    """

    def __init__(
        self,
        app: App | Mapping[Route, WSGIApplication],
        *,
        host: str = "0.0.0.0",
        port: int = 3000,
        backlog: int = 2048,
        connection_limit: int = 2000,
        threads: int = 64,
        channel_timeout: float = 45.0,
        max_body: int = MAX_BODY,
    ) -> None:
        self.channel_timeout = channel_timeout
        self.threads = threads
        self.connection_limit = fit_open_files(connection_limit)
        self._map: dict[int, Any] = {}
        self._server = TcpWSGIServer(
            # An App: Slack's routes; a table: those routes only (Socket Mode's webhook listener).
            route_requests(slack_routes(app) if isinstance(app, App) else app),
            map=self._map,
            host=host,
            port=port,
            backlog=backlog,
            connection_limit=self.connection_limit,
            threads=threads,
            channel_timeout=channel_timeout,
            # Idle connections are only looked for this often; waitress's default is 30 s.
            cleanup_interval=max(0.5, min(channel_timeout / 2, 30.0)),
            max_request_body_size=max_body,
            # select() cannot watch a descriptor numbered over 1024; poll() can.
            asyncore_use_poll=True,
            # How long the loop sleeps with nothing to do, so idle checks run on time.
            asyncore_loop_timeout=1,
        )
        self._lock = threading.Lock()
        self._looping = False  # serve_forever's loop owns the sockets
        self._closing = False
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.getsockname()[1])  # the bound port, when asked for port 0

    def serve_forever(self) -> None:
        """Answer requests until ``stop()``; the loop ends when every socket is closed."""
        with self._lock:
            if self._closing:
                return
            self._looping = True
        try:
            self._server.run()
        finally:
            wasyncore.close_all(self._map, ignore_all=True)  # already empty unless the loop failed
            self._closed.set()

    def start_in_background(self) -> SlackHttpServer:
        self._thread = threading.Thread(target=self.serve_forever, name="http-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Let requests being answered finish (up to STOP_GRACE), then close every connection."""
        with self._lock:
            if self._closing:
                return
            self._closing, looping = True, self._looping
        # Waitress's own shutdown order: workers first, then every socket in the map.
        self._server.task_dispatcher.shutdown(timeout=STOP_GRACE)
        if not looping:
            wasyncore.close_all(self._map)
            return
        # The map belongs to the loop's thread: close it there, woken by the trigger (whose
        # stub wrongly types it as an int).
        self._server.trigger.pull_trigger(lambda: wasyncore.close_all(self._map))  # type: ignore[attr-defined]
        self._closed.wait(timeout=STOP_GRACE)
        if self._thread is not None:
            self._thread.join(timeout=STOP_GRACE)
