"""Broken credentials, through the real app on loopback: a Slack token refused (or the app
removed) pauses the relay with everything kept and resumes once; a Nexudus login refused
tells admins once, keeps drafts, and recovers once the password is right again."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.app import create_app
from bot.check import run_checks
from bot.clock import Clock, utc_now
from bot.composition import BotApp
from bot.nexudus_login import NEXUDUS_LOGIN_ALERT, nexudus_refused
from bot.portal import NexudusClient
from bot.portal.ratelimit import RateLimiter
from bot.relay.cycle import SLACK_PAUSED
from bot.relay.watch import WINDOW
from bot.retry import retry_due_drafts
from bot.slack_health import PROBE_EVERY, slack_paused
from emulators import seed
from emulators.stack import BUDGET_ONLY, FAST_PACE, LocalStack
from store import Store
from store.relay_models import OutboxMessage
from tests.conftest import choose_location, open_modal, quiet, subscribe, wait_for

THREADS = "/api/community/communitythreads"
ADMINS = frozenset({seed.ADMIN})


class MovableClock:
    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self) -> datetime:
        return utc_now() + self.ahead


@contextmanager
def process(stack: LocalStack, *, clock: Clock = utc_now, password: str | None = None) -> Iterator[BotApp]:
    """Another bot process on the same database (``password``: NEXUDUS_PASSWORD as set anew)."""
    settings = stack.settings
    if password is not None:
        settings = settings.model_copy(update={"nexudus_password": SecretStr(password)})
    store = Store(settings.database)
    portal = NexudusClient.for_account(
        settings.nexudus_url,
        username=settings.nexudus_username,
        password=settings.nexudus_password,
        sessions=store.portal_session,
        limiter=RateLimiter(all_calls=BUDGET_ONLY),
    )
    bot = create_app(settings, store=store, portal=portal, clock=clock, channel_pace=FAST_PACE)
    try:
        yield bot
    finally:
        bot.background.shutdown(wait=True)
        portal.close()
        store.close()


def post_thread(stack: LocalStack, subject: str) -> None:
    stack.nexudus.add(
        "CommunityThread",
        BusinessId=seed.CANAL_STREET,
        UserId=seed.OMAR_USER_ID,
        Subject=subject,
        Message="Who is in?",
        Private=False,
        InstantDelivery=False,
    )


def posted_subjects(stack: LocalStack, channel: str) -> list[str]:
    return [s for m in stack.slack.posts(channel) for s in ("Before", "During") if s in str(m["blocks"])]


def admin_dms(stack: LocalStack) -> list[dict[str, Any]]:
    return stack.slack.posts(f"D{seed.ADMIN}")


def test_a_revoked_token_pauses_the_relay_keeps_its_window_and_resumes_once(tmp_path: Path) -> None:
    clock = MovableClock()
    with LocalStack(directory=tmp_path, clock=clock, admins=ADMINS) as stack:
        assert stack.bot.directory.refresh()
        subscribe(stack.store, "CNEWS")
        stack.bot.relay.run_once()  # first run: watching from now
        post_thread(stack, "Before")
        stack.bot.relay.poll_and_record(clock())  # recorded, not sent yet
        stack.slack.revoke_token("invalid_auth")

        stack.bot.relay.run_once()  # sending finds the token refused
        window = stack.store.relay_state.cursor_recorded_at(WINDOW)
        kept = stack.store.outbox.in_state("pending")
        post_thread(stack, "During")
        lists = len(stack.nexudus.calls("GET", THREADS))

        assert stack.bot.relay.run_once() == SLACK_PAUSED
        assert stack.bot.relay.digest_pass() == SLACK_PAUSED
        assert len(stack.nexudus.calls("GET", THREADS)) == lists  # no poll while paused
        assert stack.store.relay_state.cursor_recorded_at(WINDOW) == window
        assert [(m.key, m.attempts) for m in kept] == [(m.key, 0) for m in kept] and kept
        assert stack.store.outbox.in_state("failed") == []

        stack.slack.restore_token()
        clock.ahead = PROBE_EVERY + timedelta(seconds=1)
        with process(stack, clock=clock) as other:
            other.relay.run_once()
            stack.bot.relay.run_once()
            other.relay.sender.deliver_due()

        assert sorted(posted_subjects(stack, "CNEWS")) == ["Before", "During"]
        assert slack_paused(stack.store) is None
        assert len(admin_dms(stack)) == 1  # told of the recovery, once


@pytest.mark.parametrize("event", ["tokens_revoked", "app_uninstalled"])
def test_lifecycle_events_pause_sending_at_once_and_status_says_what_to_do(
    tmp_path: Path, event: str
) -> None:
    with LocalStack(directory=tmp_path, admins=ADMINS) as stack:
        stack.store.outbox.add(
            [OutboxMessage(key="k1", target="CNEWS", text="kept", blocks=[], created_at=utc_now())]
        )
        answer = (
            stack.driver.tokens_revoked() if event == "tokens_revoked" else stack.driver.app_uninstalled()
        )
        assert answer.status_code == 200
        wait_for(lambda: slack_paused(stack.store))  # recorded by the listener, after its ack
        # The token still answers here: the event alone pauses (Slack sends it as the token dies).
        assert stack.bot.relay.sender.deliver_due() == 0
        assert stack.slack.calls_to("chat.postMessage") == []
        before = len(stack.slack.responses)
        stack.driver.slash(seed.ADMIN, "status")
        text = str(wait_for(lambda: stack.slack.responses[before:])[0]["text"])

    assert "Paused" in text and f"{event} event" in text and "SLACK_BOT_TOKEN" in text


def test_a_refused_nexudus_login_tells_admins_once_keeps_the_draft_and_recovers(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path, admins=ADMINS) as stack:
        assert stack.bot.directory.refresh()
        stack.bot.identities.resolve(seed.JANE)
        stack.bot.relay.run_once()
        view = choose_location(stack, open_modal(stack, text="While refused"), seed.CANAL_STREET)
        quiet(stack)
        stack.nexudus.password = "changed-in-nexudus"  # someone changed the bot account's password
        stack.nexudus.revoke_sessions()

        summaries = [stack.bot.relay.run_once() for _ in range(3)]
        with process(stack) as other:
            summaries.append(other.relay.run_once())
        stack.driver.submit(seed.JANE, view, message="Kept for later")
        draft = wait_for(lambda: stack.store.drafts.due(utc_now() + timedelta(hours=2)))[0]
        stack.bot.relay.sender.deliver_due()

        assert all("Nexudus refused the bot" in s for s in summaries)
        told = admin_dms(stack)
        assert len(told) == 1 and "python -m bot check" in told[0]["text"]
        assert draft.state == "deferred" and stack.nexudus.created() == []
        # Retries wait while the login is refused, even past the draft's retry window.
        later = utc_now() + timedelta(hours=2)
        assert (
            retry_due_drafts(
                poster=stack.bot.poster, drafts=stack.store.drafts, notifier=stack.bot.notices, now=later
            )
            == 0
        )

        # The admin sets NEXUDUS_PASSWORD to the new password and restarts the bot.
        with process(stack, password="changed-in-nexudus") as fixed:
            assert "new threads" in fixed.relay.run_once()
            for _ in range(2):
                retry_due_drafts(
                    poster=fixed.poster, drafts=fixed.store.drafts, notifier=fixed.notices, now=later
                )
            fixed.relay.sender.deliver_due()

        assert [t["Message"] for t in stack.nexudus.created()] == ["<p>Kept for later</p>"]
        assert nexudus_refused(stack.store) is None
        assert len(admin_dms(stack)) == 2 and "again" in admin_dms(stack)[1]["text"]
        alert = stack.store.alerts.get(NEXUDUS_LOGIN_ALERT)
        assert alert is not None and not alert.raised


def test_check_says_what_is_paused_and_what_to_do(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path, admins=ADMINS) as stack:
        stack.bot.slack_health.refused("invalid_auth")
        stack.slack.revoke_token("invalid_auth")
        out = io.StringIO()

        assert run_checks(stack.settings, out) == 1

    report = out.getvalue()
    assert "FAIL  slack auth: Slack said invalid_auth: revoked token or app removed" in report
    assert "warn  paused: Slack refused the bot's token (invalid_auth)" in report
