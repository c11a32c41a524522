"""Every filtered list is checked again on its rows: live accounts ignore a filter they do
not know and send the whole list back (reference §15), and a row may not fit the model."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from tests.bot.portal.test_client import Portal, make_client, ok_list

FOLLOWS = [
    {"Id": 11, "ThreadId": 1, "UserId": 100},
    {"Id": 12, "ThreadId": 2, "UserId": 100},  # another thread: the filter was ignored
    {"Id": 13, "ThreadId": 1, "UserId": 200},
]


def unfiltered(rows: list[dict[str, Any]]) -> Portal:
    """Nexudus answering every list with all of ``rows``, whatever the query asked."""
    return Portal(lambda request: ok_list(rows))


def test_followers_and_mutes_of_a_thread_are_rechecked(tmp_path: Path) -> None:
    client, _ = make_client(tmp_path, unfiltered(FOLLOWS))

    assert [f.id for f in client.followers(1)] == [11, 13]
    assert client.muters(2) == {100}


def test_follows_of_a_member_are_rechecked(tmp_path: Path) -> None:
    client, _ = make_client(tmp_path, unfiltered(FOLLOWS))

    assert [f.id for f in client.follows_of(200)] == [13]


def test_threads_by_an_author_are_rechecked_on_location_author_and_time(tmp_path: Path) -> None:
    rows = [
        {"Id": 1, "BusinessId": 10, "UserId": 5, "CreatedOn": "2026-05-01T09:30:00.1234567Z"},
        {"Id": 2, "BusinessId": 11, "UserId": 5, "CreatedOn": "2026-05-01T09:30:00Z"},  # elsewhere
        {"Id": 3, "BusinessId": 10, "UserId": 6, "CreatedOn": "2026-05-01T09:30:00Z"},  # someone else
        {"Id": 4, "BusinessId": 10, "UserId": 5, "CreatedOn": "2026-04-30T09:30:00Z"},  # too old
    ]
    client, _ = make_client(tmp_path, unfiltered(rows))

    found = client.threads_posted_by(10, 5, datetime(2026, 5, 1, 9, 0, tzinfo=UTC))

    assert [t.id for t in found] == [1]


def test_window_lists_keep_only_rows_inside_the_window_as_written(tmp_path: Path) -> None:
    rows = [
        {"Id": 7, "CommunityThreadId": 1, "CreatedOn": "2026-05-01T09:29:59.9999999Z"},  # same minute
        {"Id": 8, "CommunityThreadId": 1, "CreatedOn": "2026-05-01T09:28:00Z"},  # before
        {"Id": 9, "CommunityThreadId": 1, "CreatedOn": "2026-05-01T10:00:00+10:00"},  # offset as written
    ]
    client, _ = make_client(tmp_path, unfiltered(rows))

    assert [r.id for r in client.replies_created_since("2026-05-01T09:29")] == [7, 9]


def test_a_row_that_does_not_fit_is_skipped_not_fatal(tmp_path: Path) -> None:
    rows = [
        {"Id": 1, "CommunityThreadId": None, "CreatedOn": "2026-05-01T10:00:00Z"},  # no thread
        {"Id": 2, "CommunityThreadId": 1, "CreatedOn": "2026-05-01T10:00:00Z"},
    ]
    client, _ = make_client(tmp_path, unfiltered(rows))

    assert [r.id for r in client.replies_created_since("2026-05-01T09:00")] == [2]


def test_the_window_lists_ask_for_creation_order(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    portal = Portal(lambda request: seen.append(request) or ok_list([]))
    client, _ = make_client(tmp_path, portal)

    client.threads_created_since("2026-05-01T09:00")

    assert seen[0].url.params["orderBy"] == "CreatedOn"
