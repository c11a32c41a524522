"""Portal links read back to thread ids, and the unfurl card's blocks."""

from __future__ import annotations

import pytest
from slack_sdk.models.blocks import Block

from bot.thread_links import thread_id_in, thread_url
from bot.unfurls import ThreadCard
from handlers.blocks.unfurls import last_activity, thread_unfurl

TEMPLATE = "https://portal.example.com/community/board/threads/{id}"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (thread_url(TEMPLATE, 98700001), 98700001),  # what the bot itself links to
        ("https://portal.example.com/community/board/threads/42/", 42),  # a trailing slash
        ("https://portal.example.com/community/board/threads/42?utm=x#reply-3", 42),  # query, fragment
        ("HTTPS://Portal.Example.com/community/board/threads/42", 42),  # scheme and host in capitals
        ("https://portal.example.com/community/board/threads/", None),  # no id
        ("https://portal.example.com/community/board/threads/42/edit", None),  # another page of it
        ("https://portal.example.com/community/board/threads/abc", None),  # not a number
        ("https://portal.example.com/community/events/42", None),  # another kind of page
        ("https://evil.example/community/board/threads/42", None),  # another site
        ("https://portal.example.com.evil.example/community/board/threads/42", None),  # a lookalike host
    ],
)
def test_thread_links_are_read_back_to_their_thread(url: str | None, expected: int | None) -> None:
    assert url is not None
    assert thread_id_in(TEMPLATE, url) == expected


def test_no_template_reads_no_link() -> None:
    assert thread_id_in(None, "https://portal.example.com/community/board/threads/42") is None


def test_a_template_with_a_query_is_matched_as_written() -> None:
    template = "https://portal.example.com/board?thread={id}"

    assert thread_id_in(template, "https://portal.example.com/board?thread=7") == 7
    assert thread_id_in(template, "https://portal.example.com/board?other=7") is None


def test_card_shows_every_fact_escaped_in_valid_blocks() -> None:
    card = ThreadCard(
        id=1,
        subject="<@U1> *bold* & <https://evil.example|pizza>",
        location="Canal <Street>",
        group="Parents & kids",
        author="Omar <!here>",
        replies=1,
        last_activity="2026-08-27T08:44:44.3212784Z",
        url=thread_url(TEMPLATE, 1),
    )

    unfurl = thread_unfurl(card)

    for block in unfurl["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    shown = str(unfurl)
    for markup in ("<@U1>", "<!here>", "<https://evil.example|", "Canal <Street>"):
        assert markup not in shown
    assert "Parents &amp; kids" in shown and "1 reply" in shown and "<!date^1787820284^" in shown


def test_last_activity_is_a_date_token_or_nothing() -> None:
    assert last_activity("2026-08-27T08:44:44Z") == "<!date^1787820284^{date_short_pretty}|2026-08-27>"
    assert last_activity(None) is None
    assert last_activity("yesterday") is None
