"""``python -m bot check`` in process: it holds on an account without ``/api/auth/me`` and
names where the time zone came from; a thread link that does not answer is only a warning."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.check import run_checks
from bot.config import Settings
from emulators import seed
from emulators.http import LoopbackServer, Reply, Request
from emulators.nexudus_data import stamp
from emulators.stack import LocalStack

THREAD_PAGE = "/community/board/threads/{id}"


def checked(stack: LocalStack, tmp_path: Path, **settings: Any) -> tuple[int, dict[str, str], str]:
    """Run the checks; returns the exit status, each check's line by name, and the last line."""
    merged = Settings.model_validate(
        {**stack.settings.model_dump(), "database": str(tmp_path / "check.db"), **settings}
    )
    out = io.StringIO()
    code = run_checks(merged, out)
    *lines, last = out.getvalue().splitlines()
    return code, {line[6:].split(":")[0]: line for line in lines}, last


def thread_at(stack: LocalStack, thread_id: int, created: datetime) -> None:
    stack.nexudus.add(
        "CommunityThread",
        Id=thread_id,
        BusinessId=seed.CANAL_STREET,
        UserId=seed.JANE_USER_ID,
        Subject=f"Thread {thread_id}",
        Message="x",
        CreatedOn=stamp(created, precise=True),
    )


def test_green_without_auth_me_naming_the_zone_source_and_the_newest_threads_link(
    stack: LocalStack, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    stack.nexudus.remove("CommunityThread", seed.WELCOME_THREAD)
    thread_at(stack, 99999999, now - timedelta(days=3))  # the highest id, but older
    thread_at(stack, 5, now - timedelta(hours=1))  # the newest, with the lowest id
    template = stack.nexudus.url + THREAD_PAGE

    code, lines, last = checked(stack, tmp_path, nexudus_thread_url=template)

    assert code == 0 and last == "all checks passed"
    assert (
        lines["nexudus login"]
        == f"ok    nexudus login: signed in as bot@example.com (user id {seed.BOT_USER_ID})"
    )
    assert lines["time zone"] == "ok    time zone: Europe/London (from the default location, Canal Street)"
    assert (
        lines["thread links"]
        == f"ok    thread links: {stack.nexudus.url}/community/board/threads/5 answers 200"
    )
    assert stack.nexudus.calls("GET", "/api/auth/me") == []


def test_configured_time_zone_is_named_as_such(stack: LocalStack, tmp_path: Path) -> None:
    _, lines, _ = checked(stack, tmp_path, time_zone="Asia/Tokyo")

    assert lines["time zone"] == "ok    time zone: Asia/Tokyo (from BOT_TIMEZONE)"


def test_a_thread_link_that_does_not_answer_is_a_warning_not_a_failure(
    stack: LocalStack, tmp_path: Path
) -> None:
    # A template that points at the wrong id: the portal has no page for it.
    template = stack.nexudus.url + "/community/board/threads/7{id}"

    code, lines, last = checked(stack, tmp_path, nexudus_thread_url=template)

    url = f"{stack.nexudus.url}/community/board/threads/7{seed.WELCOME_THREAD}"
    assert lines["thread links"] == f"warn  thread links: {url} answered 404: check NEXUDUS_THREAD_URL"
    assert code == 0 and last == "all checks passed, 1 warning(s)"


def test_an_unreachable_thread_link_is_a_warning(stack: LocalStack, tmp_path: Path) -> None:
    code, lines, _ = checked(stack, tmp_path, nexudus_thread_url="http://127.0.0.1:9/t/{id}")

    assert lines["thread links"].startswith("warn  thread links: http://127.0.0.1:9/t/")
    assert "did not answer (ConnectError)" in lines["thread links"] and code == 0


def test_a_thread_link_is_followed_through_redirects(stack: LocalStack, tmp_path: Path) -> None:
    # A portal that sends /t/{id} on to the real page, as a sign-in or vanity URL may.
    def redirect(request: Request) -> Reply:
        thread_id = request.path.removeprefix("/t/")
        location = stack.nexudus.url + THREAD_PAGE.format(id=thread_id)
        return Reply(302, raw=b"", headers={"Location": location})

    portal = LoopbackServer(redirect).start()
    try:
        _, lines, _ = checked(stack, tmp_path, nexudus_thread_url=portal.url + "/t/{id}")
    finally:
        portal.stop()

    landed = stack.nexudus.url + THREAD_PAGE.format(id=seed.WELCOME_THREAD)
    assert lines["thread links"] == (
        f"ok    thread links: {portal.url}/t/{seed.WELCOME_THREAD} answers 200 after redirects,"
        f" at {landed}: open it to be sure it is the thread"
    )


def test_without_a_link_setting_it_says_how_to_get_links(stack: LocalStack, tmp_path: Path) -> None:
    code, lines, _ = checked(stack, tmp_path)

    assert lines["thread links"] == (
        "ok    thread links: none: set NEXUDUS_THREAD_URL (or NEXUDUS_PORTAL_URL) to link threads in Slack"
    )
    assert code == 0


def test_a_quiet_board_has_no_thread_to_try(stack: LocalStack, tmp_path: Path) -> None:
    stack.nexudus.remove("CommunityThread", seed.WELCOME_THREAD)
    thread_at(stack, 5, datetime.now(UTC) - timedelta(days=40))
    template = stack.nexudus.url + THREAD_PAGE

    _, lines, _ = checked(stack, tmp_path, nexudus_thread_url=template)

    assert lines["thread links"] == f"ok    thread links: no thread in the last 30 days to try {template} on"
