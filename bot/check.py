"""``python -m bot check``: configuration and connections, one line per check.

A line is ``ok``, ``FAIL`` (the bot cannot work: the exit status is 1) or ``warn`` (it
works, with something to look at: a thread link that does not answer, a time zone
Nexudus did not give).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from typing import TextIO

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.account_zone import find_account_zone
from bot.app import portal_client, slack_client
from bot.clock import utc_now
from bot.config import Settings
from bot.nexudus_login import nexudus_refused
from bot.portal import NexudusClient, PortalError
from bot.portal.models import Thread
from bot.portal.timestamps import minute_text, wall_clock
from bot.scopes import BOT_SCOPES
from bot.slack_errors import TOKEN_REFUSED
from bot.slack_health import slack_paused
from bot.thread_links import thread_url
from store import Store

# Long enough to hold a recent thread on a quiet board, short enough to be one list call.
LINK_SAMPLE_DAYS = 30
LINK_TIMEOUT = 5.0


class CheckFailed(Exception):
    """A check's readable reason; no traceback is shown for these."""


class CheckWarning(Exception):
    """Worth a look, but the bot works: shown as ``warn``, not counted as a failure."""


def run_checks(settings: Settings, out: TextIO, *, client: WebClient | None = None) -> int:
    client = client or slack_client(settings)
    failures = warnings = 0
    store: Store | None = None

    def check(name: str, probe: Callable[[], str]) -> bool:
        nonlocal failures, warnings
        try:
            out.write(f"ok    {name}: {probe()}\n")
        except CheckWarning as warning:
            warnings += 1
            out.write(f"warn  {name}: {warning}\n")
        except (CheckFailed, PortalError, SlackClientError, OSError, sqlite3.Error) as error:
            failures += 1
            out.write(f"FAIL  {name}: {_reason(error)}\n")
            return False
        return True

    def database() -> str:
        nonlocal store
        store = Store(settings.database)
        if store.file.pending_migrations():
            raise CheckFailed("migrations are pending")
        with store.file.read() as db:
            db.execute("PRAGMA user_version")
        with store.file.transaction() as db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS write_probe (x)")
        return f"{settings.database} is writable and migrated"

    check("database", database)
    check("slack auth", lambda: _slack_identity(client))
    check("slack scopes", lambda: _slack_scopes(client))
    if store is not None:
        _nexudus_checks(settings, store, check)
        check("paused", lambda: _paused(store))
        store.close()
    if failures:
        out.write(f"{failures} check(s) failed\n")
    else:
        out.write("all checks passed" + (f", {warnings} warning(s)\n" if warnings else "\n"))
    return 0 if failures == 0 else 1


Check = Callable[[str, Callable[[], str]], bool]  # name, probe → whether it passed


def _nexudus_checks(settings: Settings, store: Store, check: Check) -> None:
    portal = portal_client(settings, store)
    try:
        check("nexudus login", lambda: _nexudus_login(portal, settings.nexudus_username))
        if check("nexudus read", lambda: f"{len(portal.businesses())} location(s) visible"):
            # Only worth asking once Nexudus answers at all: else they would repeat its failure.
            check("time zone", lambda: _time_zone(settings, portal))
            check("thread links", lambda: _thread_link(settings.thread_url_template, portal))
    finally:
        portal.close()


def _paused(store: Store | None) -> str:
    """What the running bot paused because credentials broke (shared through the database)."""
    found = [text for text in (slack_paused(store), nexudus_refused(store)) if text] if store else []
    if found:
        # The lines above say whether the credentials work now; the bot notices by itself.
        resumes = "once the checks above pass, the bot resumes by itself within minutes"
        raise CheckWarning(f"{' / '.join(found)} ({resumes})")
    return "nothing is paused"


def _slack_identity(client: WebClient) -> str:
    found = client.auth_test()
    return f"connected as @{found.get('user')} in {found.get('team')}"


def _slack_scopes(client: WebClient) -> str:
    granted = set(filter(None, (client.auth_test().headers.get("x-oauth-scopes") or "").split(",")))
    missing = sorted(BOT_SCOPES - granted)
    if missing:
        raise CheckFailed(f"the token lacks {', '.join(missing)}: add them from manifest.yml and reinstall")
    return f"all {len(BOT_SCOPES)} scopes the bot needs are granted"


def _nexudus_login(portal: NexudusClient, username: str) -> str:
    # The bot's own user record, not /api/auth/me: no public client shows that route (§15).
    found = portal.users_by_email(username)
    if not found:
        return f"signed in as {username} (its user record is not visible to it)"
    return f"signed in as {username} (user id {found[0].id})"


def _time_zone(settings: Settings, portal: NexudusClient) -> str:
    try:
        return find_account_zone(settings.time_zone, portal, settings.nexudus_username).describe()
    except PortalError as error:
        # The bot still runs (on UTC, asking again later): worth a warning, not a failure.
        reason = f"UTC for now, Nexudus did not say: {error}. Set BOT_TIMEZONE to choose"
        raise CheckWarning(reason) from error


def _thread_link(template: str | None, portal: NexudusClient) -> str:
    if template is None:
        return "none: set NEXUDUS_THREAD_URL (or NEXUDUS_PORTAL_URL) to link threads in Slack"
    since = utc_now() - timedelta(days=LINK_SAMPLE_DAYS)
    thread = newest_thread(portal.threads_created_since(minute_text(since)))
    if thread is None:
        return f"no thread in the last {LINK_SAMPLE_DAYS} days to try {template} on"
    url = thread_url(template, thread.id)
    assert url is not None
    try:
        answer = httpx.get(url, timeout=LINK_TIMEOUT, follow_redirects=True)
    except httpx.HTTPError as error:
        reason = f"{url} did not answer ({type(error).__name__}): check NEXUDUS_THREAD_URL"
        raise CheckWarning(reason) from error
    if answer.status_code != 200:
        raise CheckWarning(f"{url} answered {answer.status_code}: check NEXUDUS_THREAD_URL")
    if str(answer.url) != url:
        # A sign-in page or an app that answers 200 for any path also "answers": say where it went.
        return f"{url} answers 200 after redirects, at {answer.url}: open it to be sure it is the thread"
    return f"{url} answers 200"


def newest_thread(threads: list[Thread]) -> Thread | None:
    """By parsed ``CreatedOn``: ids are not in creation order and the sort order is unsure (§15)."""
    dated = [(created, t) for t in threads if (created := wall_clock(t.created_on)) is not None]
    return max(dated, key=lambda pair: pair[0])[1] if dated else None


def _reason(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        code = error.response.get("error")
        if code in TOKEN_REFUSED:
            return f"Slack said {code}: revoked token or app removed: reinstall it, set SLACK_BOT_TOKEN"
        return f"Slack said {code}"
    if isinstance(error, SlackClientError):
        return f"cannot reach Slack: {type(error).__name__}"
    if isinstance(error, OSError | sqlite3.Error):
        return f"{type(error).__name__}: {error}"
    return str(error)
