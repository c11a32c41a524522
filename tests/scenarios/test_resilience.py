"""Nexudus down, slow, throttling or losing replies: nothing typed is lost, nothing posts twice."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import utc_now
from bot.outcomes import Deferred
from bot.portal.ratelimit import RateLimiter
from bot.posting import ThreadPoster
from bot.retry import retry_due_drafts
from bot.thread_form import NewThreadForm
from emulators import seed
from emulators.stack import LocalStack
from handlers import ids
from store.drafts import DraftRepository
from tests.conftest import choose_location, open_modal, quiet, wait_for

THREADS = "/api/community/communitythreads"


def canal_form(stack: LocalStack) -> dict[str, Any]:
    return choose_location(stack, open_modal(stack, text="Coffee machine"), seed.CANAL_STREET)


def run_retry_job(stack: LocalStack, *, later: timedelta = timedelta(hours=0, minutes=15)) -> int:
    return retry_due_drafts(
        poster=stack.bot.poster,
        drafts=stack.store.drafts,
        notifier=stack.bot.notices,
        now=utc_now() + later,
    )


def submit_while_down(stack: LocalStack, **answers: Any) -> dict[str, Any]:
    """Post the form while Nexudus is down; returns the DM about the draft. Nexudus stays down."""
    view = canal_form(stack)
    stack.bot.identities.resolve(seed.JANE)
    stack.nexudus.faults.down = True
    stack.driver.submit(seed.JANE, view, **answers)
    return draft_message(stack)


def draft_message(stack: LocalStack) -> dict[str, Any]:
    call = wait_for(lambda: stack.slack.calls_to("chat.postMessage"))[0]
    return {"blocks": call.args["blocks"], "ts": "1700000000.000001", "text": call.args["text"]}


def test_nexudus_down_keeps_a_draft_and_the_retry_job_posts_it_once(stack: LocalStack) -> None:
    view = canal_form(stack)
    stack.bot.identities.resolve(seed.JANE)
    stack.nexudus.faults.down = True

    answer = stack.driver.submit(seed.JANE, view, message="It is broken again", tags="kitchen")

    assert "Saved as a draft" in answer.json()["view"]["title"]["text"]
    dm = draft_message(stack)
    assert "saved as a draft" in dm["text"] and "Retry" in str(dm["blocks"])
    stack.nexudus.faults.down = False
    assert run_retry_job(stack) == 1
    assert run_retry_job(stack) == 0
    [thread] = stack.nexudus.created()
    assert thread["Message"] == "<p>It is broken again</p>" and thread["Tags"] == "kitchen"
    update = wait_for(lambda: stack.slack.calls_to("chat.update"))[-1]
    assert "is now on the Discussion Board" in update.args["text"]


def test_retry_button_posts_the_draft_once(stack: LocalStack) -> None:
    dm = submit_while_down(stack, message="Retry me")
    stack.nexudus.faults.down = False

    stack.driver.press(seed.JANE, dm, ids.RETRY_DRAFT_ACTION, channel_id="DUJANE")
    wait_for(lambda: stack.nexudus.created())
    stack.driver.press(seed.JANE, dm, ids.RETRY_DRAFT_ACTION, channel_id="DUJANE")
    wait_for(lambda: len(stack.slack.calls_to("chat.update")) >= 2)

    assert len(stack.nexudus.created()) == 1


def test_edit_button_reopens_the_form_filled_in(stack: LocalStack) -> None:
    dm = submit_while_down(
        stack, message="Every word kept", tags="a, b", guests=[seed.OMAR], options=[ids.OPTION_INSTANT]
    )
    opened_before = len(stack.slack.calls_to("views.open"))

    stack.driver.press(seed.JANE, dm, ids.EDIT_DRAFT_ACTION, channel_id="DUJANE")

    reopened = wait_for(lambda: stack.slack.calls_to("views.open")[opened_before:])[0].args["view"]
    values = {b["block_id"]: b["element"] for b in reopened["blocks"] if b["type"] == "input"}
    assert values[ids.TITLE_BLOCK]["initial_value"] == "Coffee machine"
    assert values[ids.MESSAGE_BLOCK]["initial_value"] == "Every word kept"
    assert values[ids.TAGS_BLOCK]["initial_value"] == "a, b"
    assert values[ids.GUESTS_BLOCK]["initial_users"] == [seed.OMAR]
    assert values[ids.LOCATION_BLOCK]["initial_option"]["value"] == str(seed.CANAL_STREET)
    assert [o["value"] for o in values[ids.OPTIONS_BLOCK]["initial_options"]] == [ids.OPTION_INSTANT]
    # Submitting the reopened draft, once Nexudus is back, posts it once.
    stack.nexudus.faults.down = False
    stack.driver.submit(seed.JANE, {**reopened, "id": "VEDIT"})
    assert len(stack.nexudus.created()) == 1


def test_ambiguous_failure_results_in_exactly_one_thread(stack: LocalStack) -> None:
    view = canal_form(stack)
    stack.nexudus.faults.lose_create_replies = 1  # created, but answered 500

    answer = stack.driver.submit(seed.JANE, view, message="Exactly once")

    assert "Saved as a draft" in answer.json()["view"]["title"]["text"]
    assert len(stack.nexudus.created()) == 1
    run_retry_job(stack)
    assert len(stack.nexudus.created()) == 1
    thread_id = stack.nexudus.created()[0]["Id"]
    assert list(stack.store.drafts.posted_as([thread_id])) == [thread_id]  # the draft recorded it


def test_slow_nexudus_shows_posting_then_the_result(stack: LocalStack) -> None:
    view = canal_form(stack)
    stack.bot.identities.resolve(seed.JANE)
    updates_before = len(stack.slack.calls_to("views.update"))
    stack.nexudus.faults.delay = 2.5

    answer = stack.driver.submit(seed.JANE, view, message="Slow but sure")

    assert answer.json()["view"]["title"]["text"] == "Posting…"
    final = wait_for(lambda: stack.slack.calls_to("views.update")[updates_before:])[0].args
    assert final["view_id"] == view["id"]
    assert final["view"]["title"]["text"] == "Thread posted"
    stack.nexudus.faults.delay = 0


def test_late_refusal_shows_the_form_again_filled_in(stack: LocalStack) -> None:
    view = canal_form(stack)
    stack.bot.identities.resolve(seed.JANE)
    updates_before = len(stack.slack.calls_to("views.update"))
    stack.nexudus.faults.delay = 2.5
    stack.nexudus.faults.reject_creates = [("Message", "is too short")]

    stack.driver.submit(seed.JANE, view, message="Hm")

    final = wait_for(lambda: stack.slack.calls_to("views.update")[updates_before:])[0].args["view"]
    assert final["callback_id"] == ids.NEW_THREAD_MODAL
    assert "is too short" in final["blocks"][0]["elements"][0]["text"]
    message = next(b for b in final["blocks"] if b.get("block_id") == ids.MESSAGE_BLOCK)
    assert message["element"]["initial_value"] == "Hm"
    stack.nexudus.faults.delay = 0


def test_expired_token_is_refreshed_not_logged_in_again(stack: LocalStack) -> None:
    view = canal_form(stack)
    logins = stack.nexudus.logins
    stack.nexudus.expire_tokens()

    stack.driver.submit(seed.JANE, view, message="After a week")

    assert len(stack.nexudus.created()) == 1
    assert stack.nexudus.refreshes == 1
    assert stack.nexudus.logins == logins


def test_throttled_read_waits_as_told_and_succeeds(stack: LocalStack) -> None:
    stack.nexudus.faults.throttle = 1
    stack.nexudus.faults.retry_after = 1

    assert stack.bot.directory.refresh()
    throttled, retried = stack.nexudus.calls("GET", "/api/sys/businesses")[-2:]
    assert throttled.path == retried.path


def test_throttled_create_is_kept_until_after_retry_after(tmp_path: Path) -> None:
    clock = ShiftedClock()
    with LocalStack(directory=tmp_path, limiter=RateLimiter(clock=clock)) as stack:
        stack.bot.directory.refresh()
        view = canal_form(stack)
        stack.bot.identities.resolve(seed.JANE)
        quiet(stack)
        stack.nexudus.faults.throttle = 1
        stack.nexudus.faults.throttle_status = 429
        stack.nexudus.faults.retry_after = 120

        started = utc_now()
        stack.driver.submit(seed.JANE, view, message="Busy")

        draft = wait_for(lambda: [d for d in _drafts(stack) if d.state == "deferred"])[0]
        assert draft.next_attempt_at is not None
        assert draft.next_attempt_at >= started + timedelta(seconds=120)
        assert run_retry_job(stack, later=timedelta(seconds=30)) == 0
        clock.offset = 200  # the bot's own limiter also held every call back meanwhile
        assert run_retry_job(stack, later=timedelta(seconds=200)) == 1
        assert len(stack.nexudus.created()) == 1
        assert len(stack.nexudus.calls("POST", THREADS)) == 2


class MovableClock:
    """The wall clock, moved forward when a test says so; handed to ``create_app``."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self) -> datetime:
        return utc_now() + self.ahead


def test_retries_stop_after_an_hour_and_the_draft_waits_for_the_user(tmp_path: Path) -> None:
    clock = MovableClock()
    with LocalStack(directory=tmp_path, clock=clock) as stack:
        assert stack.bot.directory.refresh()
        view = canal_form(stack)
        stack.bot.identities.resolve(seed.JANE)
        stack.nexudus.faults.down = True
        stack.driver.submit(seed.JANE, view, message="Patience")
        key = _drafts(stack)[0].key

        clock.ahead = timedelta(hours=2)
        outcome = stack.bot.poster.post(key)

        assert not isinstance(outcome, Deferred)
        draft = stack.store.drafts.get(key)
        assert draft is not None and draft.state == "failed" and draft.form["message"] == "Patience"


class ShiftedClock:
    """Monotonic time that a test can move forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


def _drafts(stack: LocalStack) -> list[Any]:
    with stack.store.file.read() as db:
        keys = [row["key"] for row in db.table("drafts").rows]
    return [d for d in (stack.store.drafts.get(key) for key in keys) if d]


class ProcessKilled(BaseException):
    """The bot process dying: nothing in it catches this."""


class KilledBeforeRecording(DraftRepository):
    """Drafts of a process killed after Nexudus applied its create, before it was recorded."""

    def mark_posted(self, key: str, thread_id: int, now: datetime) -> None:
        raise ProcessKilled


def test_a_draft_left_posting_by_a_killed_process_is_found_not_created_again(stack: LocalStack) -> None:
    form = NewThreadForm(business_id=seed.CANAL_STREET, subject="Crash", message="Created, then killed")
    draft = stack.store.drafts.save("crashed", seed.JANE, form.model_dump(mode="json"), utc_now())
    killed = ThreadPoster(
        portal=stack.portal,
        identities=stack.bot.identities,
        slack_users=stack.bot.slack_users,
        drafts=KilledBeforeRecording(stack.store.file),
        sharer=stack.bot.notices,
        thread_url_template=None,
        clock=lambda: utc_now() - timedelta(minutes=10),  # its claim is stale by now
    )
    with pytest.raises(ProcessKilled):
        killed.post(draft.key)
    assert len(stack.nexudus.created()) == 1  # Nexudus has it; the draft says "posting"

    assert run_retry_job(stack, later=timedelta(0)) == 1

    [thread] = stack.nexudus.created()  # found, not created again
    posted = stack.store.drafts.get(draft.key)
    assert posted is not None and (posted.state, posted.thread_id) == ("posted", thread["Id"])
