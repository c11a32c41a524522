"""``python -m bot check``: configuration and connections, one line per check."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TextIO

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.app import connect_portal, slack_client
from bot.config import Settings
from bot.portal import NexudusClient, PortalError
from bot.scopes import BOT_SCOPES
from store import Store


class CheckFailed(Exception):
    """A check's readable reason; no traceback is shown for these."""


def run_checks(settings: Settings, out: TextIO, *, client: WebClient | None = None) -> int:
    client = client or slack_client(settings)
    failures = 0
    store: Store | None = None

    def check(name: str, probe: Callable[[], str]) -> None:
        nonlocal failures
        try:
            out.write(f"ok    {name}: {probe()}\n")
        except (CheckFailed, PortalError, SlackClientError, OSError, sqlite3.Error) as error:
            failures += 1
            out.write(f"FAIL  {name}: {_reason(error)}\n")

    def database() -> str:
        nonlocal store
        store = Store(settings.database)
        if store.file.pending_migrations():
            raise CheckFailed("migrations are pending")
        store.file.db.execute("PRAGMA user_version")
        with store.file.transaction() as db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS write_probe (x)")
        return f"{settings.database} is writable and migrated"

    check("database", database)
    check("slack auth", lambda: _slack_identity(client))
    check("slack scopes", lambda: _slack_scopes(client))
    if store is not None:
        portal = connect_portal(settings, store)
        check("nexudus login", lambda: _nexudus_me(portal))
        check("nexudus read", lambda: f"{len(portal.businesses())} location(s) visible")
        portal.close()
        store.close()
    out.write("all checks passed\n" if failures == 0 else f"{failures} check(s) failed\n")
    return 0 if failures == 0 else 1


def _slack_identity(client: WebClient) -> str:
    found = client.auth_test()
    return f"connected as @{found.get('user')} in {found.get('team')}"


def _slack_scopes(client: WebClient) -> str:
    granted = set(filter(None, (client.auth_test().headers.get("x-oauth-scopes") or "").split(",")))
    missing = sorted(BOT_SCOPES - granted)
    if missing:
        raise CheckFailed(f"the token lacks {', '.join(missing)}: add them from manifest.yml and reinstall")
    return f"all {len(BOT_SCOPES)} scopes the bot needs are granted"


def _nexudus_me(portal: NexudusClient) -> str:
    me = portal.me()
    return f"signed in as {me.email or me.full_name or 'user'} (user id {me.id})"


def _reason(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return f"Slack said {error.response.get('error')}"
    if isinstance(error, SlackClientError):
        return f"cannot reach Slack: {type(error).__name__}"
    if isinstance(error, OSError | sqlite3.Error):
        return f"{type(error).__name__}: {error}"
    return str(error)
