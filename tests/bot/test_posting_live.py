"""Posting on a Nexudus that behaves as live accounts do (reference §15): ``SystemId`` not
kept, timestamps in a location's clock behind a "Z", filters ignored, and a 401 for a
create that names a deleted person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.clock import utc_now
from bot.portal.bodies import to_portal_html
from bot.portal.models import NewThread, ThreadSummary
from bot.posting import system_id
from bot.refusals import GONE_REASON
from bot.retry import retry_due_drafts
from bot.sent_threads import find_sent_thread, is_sent_thread
from emulators import seed
from emulators.stack import LocalStack
from handlers import ids
from handlers.forms import read_view
from tests.conftest import choose_location, open_modal, wait_for

THREADS = "/api/community/communitythreads"
NOW = datetime(2026, 8, 27, 9, 0, tzinfo=UTC)
SENT = NewThread(
    business_id=1, user_id=2, subject="Coffee", message="<p>Broken</p>", system_id=system_id("k1")
)
WINDOW = (datetime(2026, 8, 26, 19, 0), datetime(2026, 8, 27, 23, 0))


def canal_form(stack: LocalStack, title: str = "Coffee machine") -> dict[str, Any]:
    return choose_location(stack, open_modal(stack, text=title), seed.CANAL_STREET)


def retry_job(stack: LocalStack) -> int:
    later = utc_now() + timedelta(minutes=15)
    return retry_due_drafts(
        poster=stack.bot.poster, drafts=stack.store.drafts, notifier=stack.bot.notices, now=later
    )


def submit_lost(stack: LocalStack, message: str, title: str = "Coffee machine") -> None:
    """Submit a form whose create Nexudus applies but answers 502 for (a proxy's timeout)."""
    view = canal_form(stack, title)
    before = len(stack.nexudus.created())
    stack.nexudus.faults.lose_create_replies = 1
    stack.nexudus.faults.lost_reply_status = 502

    answer = stack.driver.submit(seed.JANE, view, message=message)

    assert "Saved as a draft" in answer.json()["view"]["title"]["text"]
    assert len(stack.nexudus.created()) == before + 1  # and yet Nexudus has it


@pytest.mark.parametrize(
    ("keeps_system_id", "zone"),
    [
        (False, None),  # SystemId dropped, as may be the case on live accounts
        (True, None),  # SystemId kept: it decides
        (False, "Pacific/Kiritimati"),  # CreatedOn is the location's clock, UTC+14, behind a "Z"
        (False, "Pacific/Honolulu"),  # ...or UTC-10
    ],
)
def test_create_then_502_makes_exactly_one_thread(
    stack: LocalStack, keeps_system_id: bool, zone: str | None
) -> None:
    stack.nexudus.live.keeps_system_id = keeps_system_id
    if zone:
        stack.nexudus.set_zone(seed.CANAL_STREET, zone)
        stack.nexudus.live.local_times = True

    submit_lost(stack, "It is broken again")
    assert retry_job(stack) == 1
    assert retry_job(stack) == 0

    [thread] = stack.nexudus.created()
    assert stack.store.drafts.posted_as([thread["Id"]])  # the draft is recorded as that thread
    assert len(stack.nexudus.calls("POST", THREADS)) == 1  # the retry found it: no second create


def test_a_deliberate_repeat_is_a_second_thread_not_the_first_one_found(stack: LocalStack) -> None:
    """Jane posts the same title and text twice within minutes: she meant to (a reminder).
    The second draft's create is ambiguous and did not land: its search finds the first
    draft's thread, which is recorded as the first draft's, so it posts its own."""
    first = canal_form(stack)
    stack.driver.submit(seed.JANE, first, message="Please clean the mugs")
    [posted] = stack.nexudus.created()
    second = canal_form(stack)
    stack.nexudus.faults.down = True  # 503 on the create: it may or may not have been applied

    stack.driver.submit(seed.JANE, second, message="Please clean the mugs")
    stack.nexudus.faults.down = False
    retry_job(stack)

    threads = stack.nexudus.created()
    assert len(threads) == 2
    recorded = stack.store.drafts.posted_as([t["Id"] for t in threads])
    assert len(set(recorded.values())) == 2 and recorded[posted["Id"]] != recorded[threads[1]["Id"]]


def test_a_deliberate_repeat_whose_create_landed_takes_its_own_thread(stack: LocalStack) -> None:
    first = canal_form(stack)
    stack.driver.submit(seed.JANE, first, message="Please clean the mugs")

    submit_lost(stack, "Please clean the mugs")
    retry_job(stack)

    threads = stack.nexudus.created()
    assert len(threads) == 2
    assert len(set(stack.store.drafts.posted_as([t["Id"] for t in threads]).values())) == 2


def test_a_deleted_profile_fails_the_draft_clearly_and_is_looked_up_afresh(stack: LocalStack) -> None:
    view = canal_form(stack)
    assert stack.bot.identities.resolve(seed.JANE).coworker_id == seed.JANE_COWORKER_ID
    stack.nexudus.remove("Coworker", seed.JANE_COWORKER_ID)  # the cached CoworkerId is now stale

    answer = stack.driver.submit(seed.JANE, view, message="Hello")

    assert answer.json() == {"response_action": "errors", "errors": {ids.TITLE_BLOCK: GONE_REASON}}
    assert stack.nexudus.created() == []
    assert stack.store.identities.get(seed.JANE) is None  # forgotten: the next try looks again
    # Submitting the same form again finds Jane by her user account alone, and posts once.
    again = stack.driver.submit(seed.JANE, view, message="Hello")
    assert again.json()["response_action"] == "update"
    [thread] = stack.nexudus.created()
    assert thread["UserId"] == seed.JANE_USER_ID and thread.get("CoworkerId") is None


def test_a_deleted_guest_is_named_on_the_guests_field(stack: LocalStack) -> None:
    view = canal_form(stack)
    stack.bot.identities.resolve(seed.OMAR)
    stack.nexudus.remove("User", seed.OMAR_USER_ID)  # Omar left: his portal account is gone
    stack.nexudus.remove("Coworker", seed.OMAR_COWORKER_ID)

    answer = stack.driver.submit(seed.JANE, view, message="Hello", guests=[seed.OMAR])

    assert answer.json()["errors"] == {ids.GUESTS_BLOCK: GONE_REASON}
    assert stack.store.identities.get(seed.OMAR) is None
    draft = stack.store.drafts.get(read_view(view).key)
    assert draft is not None and draft.state == "failed" and draft.form["message"] == "Hello"
    # Looked up afresh, Omar has no portal account: the usual, precise inline error.
    again = stack.driver.submit(seed.JANE, view, message="Hello", guests=[seed.OMAR])
    assert "No portal account found for Omar Haddad" in again.json()["errors"][ids.GUESTS_BLOCK]


def test_a_manual_link_survives_a_refused_create(stack: LocalStack) -> None:
    stack.bot.identities.link(seed.JANE, "jane@example.com")

    stack.bot.identities.forget_lookups([seed.JANE])

    kept = stack.store.identities.get(seed.JANE)
    assert kept is not None and kept.source == "manual"  # only an admin changes manual links


def row(**fields: Any) -> ThreadSummary:
    base = {
        "Id": 7,
        "BusinessId": 1,
        "UserId": 2,
        "Subject": "Coffee",
        "Message": "<p>Broken</p>",
        "SystemId": None,
        "CreatedOn": "2026-08-27T09:00:01.1234567Z",
    }
    return ThreadSummary.model_validate({**base, **fields})


@pytest.mark.parametrize(
    ("fields", "ours"),
    [
        ({}, True),  # everything we sent, no SystemId
        ({"SystemId": "slack:k1"}, True),  # our key decides...
        ({"SystemId": "slack:k1", "Subject": "Edited on the portal"}, True),  # ...even over edits
        ({"SystemId": "slack:k2"}, False),  # another draft's key: not ours, same text or not
        ({"SystemId": "import:9"}, False),  # another integration's record
        ({"UserId": 3}, False),  # another author: the author filter was ignored
        ({"BusinessId": 9}, False),  # another location: the location filter was ignored
        ({"Subject": "Tea"}, False),
        ({"Message": "<p>Broken!</p>"}, False),  # not the exact body we sent
        ({"Message": "<p>Broken</p>\n"}, True),  # trailing whitespace is not a difference
        ({"CreatedOn": "2026-08-27T22:59:00Z"}, True),  # a UTC+14 location's clock
        ({"CreatedOn": "2026-08-26T19:00:00Z"}, True),  # a UTC-10 one, for a draft 4 h old
        ({"CreatedOn": "2026-08-20T09:00:00Z"}, False),  # last week: the window was ignored
        ({"CreatedOn": None}, True),  # no time to check: the rest decides
    ],
)
def test_what_counts_as_the_thread_we_sent(fields: dict[str, Any], ours: bool) -> None:
    assert is_sent_thread(row(**fields), SENT, "k1", WINDOW) is ours


def test_threads_recorded_by_other_drafts_are_never_taken() -> None:
    rows = [row(Id=9, CreatedOn="2026-08-27T09:00:05Z"), row(Id=8, CreatedOn="2026-08-27T09:02:00Z")]

    def taken(ids: list[int]) -> set[int]:
        return {9} & set(ids)  # thread 9 is another draft's

    found = find_sent_thread(rows, SENT, key="k1", first_attempt=NOW, now=NOW, taken=taken)

    assert found == 8


def test_of_several_unrecorded_matches_the_earliest_is_taken_not_the_lowest_id() -> None:
    rows = [row(Id=5, CreatedOn="2026-08-27T09:03:00Z"), row(Id=9, CreatedOn="2026-08-27T09:01:00Z")]

    found = find_sent_thread(rows, SENT, key="k1", first_attempt=NOW, now=NOW, taken=lambda ids: set())

    assert found == 9


def test_the_body_sent_is_the_portal_html_of_what_was_typed(stack: LocalStack) -> None:
    view = canal_form(stack)

    stack.driver.submit(seed.JANE, view, message="Milk & sugar\nplease")

    [create] = stack.nexudus.calls("POST", THREADS)
    assert create.json()["Message"] == to_portal_html("Milk & sugar\nplease")


def test_a_retried_draft_refused_as_gone_says_why_in_the_dm(stack: LocalStack) -> None:
    view = canal_form(stack)
    stack.bot.identities.resolve(seed.JANE)
    stack.nexudus.faults.down = True
    stack.driver.submit(seed.JANE, view, message="Hello")  # kept as a draft, with a DM
    key = read_view(view).key
    wait_for(lambda: (draft := stack.store.drafts.get(key)) is not None and draft.notice_ts is not None)
    stack.nexudus.faults.down = False
    stack.nexudus.remove("Coworker", seed.JANE_COWORKER_ID)

    retry_job(stack)

    [update] = stack.slack.calls_to("chat.update")
    assert (
        "Nexudus refused this thread: a person named on it may no longer have a portal account"
        in (update.args["text"])
    )
    assert "Edit" in str(update.args["blocks"])  # the input is kept for Edit
    assert stack.nexudus.created() == []
