"""The whole bot on loopback: both emulators, a real SQLite file, the HTTP server, a driver."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.app import create_app
from bot.clock import Clock, utc_now
from bot.composition import BotApp
from bot.config import Settings
from bot.http_server import EVENTS_PATH, SlackHttpServer, slack_routes
from bot.portal import NexudusClient
from bot.portal.ratelimit import RateLimiter, Window
from bot.scheduler import BackgroundJobs
from bot.scopes import BOT_SCOPES
from emulators.nexudus import FakeNexudus
from emulators.seed import seed_portal, seed_slack
from emulators.slack import FakeSlack
from emulators.slack_driver import SlackDriver
from store import Store

SIGNING_SECRET = "local-signing-secret"
# Sends to one channel keep their order without Slack's one-a-second pace, which has a
# test of its own on a fake clock (tests/bot/relay/test_delivery.py).
FAST_PACE = 0.01
# Nexudus's minute budget without the 100 ms spacing, which is tested on a fake clock
# (tests/bot/portal/test_ratelimit.py) and would add a tenth of a second to every call.
BUDGET_ONLY = (Window(120, 60.0),)
BACK_OFF_SCALE = 0.1


class LocalStack:
    def __init__(
        self,
        *,
        directory: Path | None = None,
        seed: bool = True,
        limiter: RateLimiter | None = None,
        clock: Clock = utc_now,
        channel_pace: float = FAST_PACE,
        **settings: Any,
    ) -> None:
        self._tmp = None if directory else tempfile.TemporaryDirectory()
        self.directory = directory or Path(self._tmp.name)  # type: ignore[union-attr]
        self.slack = FakeSlack(scopes=",".join(sorted(BOT_SCOPES))).start()
        self.nexudus = FakeNexudus().start()
        if seed:
            seed_portal(self.nexudus)
            seed_slack(self.slack)
        self.settings = Settings(
            slack_bot_token="xoxb-local",
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=self.slack.api_url,
            nexudus_url=self.nexudus.url,
            nexudus_username=self.nexudus.username,
            nexudus_password=self.nexudus.password,
            database=str(self.directory / "bot.db"),
            **settings,
        )
        self.limiter = limiter or RateLimiter(all_calls=BUDGET_ONLY)
        self._closing = threading.Event()
        self.store = Store(self.settings.database)
        self.portal = NexudusClient.for_account(
            self.settings.nexudus_url,
            username=self.settings.nexudus_username,
            password=self.settings.nexudus_password,
            sessions=self.store.portal_session,
            limiter=self.limiter,
            sleep=self._back_off,
        )
        self.bot: BotApp = create_app(
            self.settings, store=self.store, portal=self.portal, clock=clock, channel_pace=channel_pace
        )
        routes = slack_routes(self.bot.app, self.bot.webhooks, self.bot.ops_routes())
        self.server = SlackHttpServer(routes, host="127.0.0.1", port=0).start_in_background()
        self.driver = SlackDriver(
            f"http://127.0.0.1:{self.server.port}{EVENTS_PATH}", SIGNING_SECRET, self.slack
        )

    def __enter__(self) -> LocalStack:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def background_jobs(self, stop: threading.Event | None = None) -> BackgroundJobs:
        """The scheduler's jobs on this bot, wired as ``serve`` wires them."""
        return BackgroundJobs(
            poster=self.bot.poster,
            drafts=self.store.drafts,
            directory=self.bot.directory,
            notifier=self.bot.notices,
            relay=self.bot.relay,
            stop=stop or threading.Event(),
            clock=self.bot.clock,
            webhooks=self.bot.webhook_health,
            replies=self.bot.slack_replies,
            reply_notifier=self.bot.reply_notices,
        )

    def _back_off(self, seconds: float) -> None:
        # A tenth of the client's back-off (its schedule has tests of its own on a fake clock):
        # scenarios with Nexudus down see the same retries and outcome, sooner.
        self._closing.wait(seconds * BACK_OFF_SCALE)

    def close(self) -> None:
        # Nexudus first: calls it holds (faults.delay) or the client backs off from end at
        # once, so the bot's background work finishes instead of being waited out.
        self._closing.set()
        self.nexudus.stop()
        self.server.stop()
        self.bot.background.shutdown(wait=True, cancel_futures=True)
        self.driver.http.close()
        self.portal.close()
        self.slack.stop()
        self.store.close()
        if self._tmp:
            self._tmp.cleanup()
