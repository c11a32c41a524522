"""Bodies and subjects written in the portal editor (HTML) reach Slack as text, never as tags."""

from __future__ import annotations

import json
from typing import Any

from emulators import seed
from emulators.stack import LocalStack
from handlers.blocks.text import escape
from tests.bot.relay.conftest import Board, dms_to
from tests.bot.relay.test_channels import CHANNEL, subscribe
from tests.bot.relay.test_home import open_home

# As the portal editor stores them (reference §15): tags, entities, a list, a link.
SUBJECT = "Fish &amp; chips &lt;Friday&gt;"
REPLY = (
    "<p>Hi <strong>all</strong>,</p>"
    "<p>&lt;!channel&gt; the agenda is "
    '<a href="https://docs.example/agenda?id=1&amp;v=2">here</a>:</p>'
    "<ul><li>coffee &amp; cake</li><li>talks</li></ul>"
)
SUBJECT_SHOWN = "Fish &amp; chips &lt;Friday&gt;"  # decoded once, escaped once for Slack
REPLY_SHOWN = ["*all*", "<https://docs.example/agenda?id=1&amp;v=2|here>", "• coffee &amp; cake", "• talks"]


def shown(messages: list[dict[str, Any]]) -> str:
    return json.dumps([{"text": m["text"], "blocks": m["blocks"]} for m in messages], ensure_ascii=False)


def assert_text_not_tags(sent: str, *, with_reply: bool = True) -> None:
    assert SUBJECT_SHOWN in sent and "&amp;amp;" not in sent
    for tag in ("<p>", "</p>", "<strong>", "<ul>", "<li>", "<a href", "<b>"):
        assert tag not in sent and escape(tag) not in sent  # neither markup nor shown as tags
    assert "<!channel>" not in sent
    if with_reply:
        assert all(part in sent for part in REPLY_SHOWN)
        assert "&lt;!channel&gt; the agenda" in sent


def test_html_reply_on_a_followed_instant_thread_is_a_readable_dm(
    relay_stack: LocalStack, board: Board
) -> None:
    thread = board.thread(SUBJECT, InstantDelivery=True)
    board.follow(thread)
    board.reply(thread, REPLY)

    relay_stack.bot.relay.run_once()

    [dm] = dms_to(relay_stack, seed.JANE)
    assert_text_not_tags(shown([dm]))
    assert dm["text"] == f"New reply on {SUBJECT_SHOWN}"


def test_html_thread_and_reply_in_an_instant_channel(relay_stack: LocalStack, board: Board) -> None:
    subscribe(relay_stack)
    thread = board.thread(SUBJECT)
    relay_stack.bot.relay.run_once()
    board.reply(thread, REPLY)

    relay_stack.bot.relay.run_once()

    post, reply = relay_stack.slack.posts(CHANNEL)
    assert_text_not_tags(shown([post]), with_reply=False)
    assert reply["thread_ts"] == post["ts"]
    sent = shown([reply])
    assert all(part in sent for part in REPLY_SHOWN) and "<!channel>" not in sent and "&lt;p&gt;" not in sent


def test_html_subject_in_a_channel_digest(relay_stack: LocalStack, board: Board) -> None:
    subscribe(relay_stack, "digest")
    thread = board.thread(SUBJECT)
    relay_stack.bot.relay.run_once()
    board.reply(thread, REPLY)
    relay_stack.bot.relay.run_once()

    relay_stack.bot.relay.digest_pass(force=True)

    [digest] = relay_stack.slack.posts(CHANNEL)
    assert_text_not_tags(shown([digest]), with_reply=False)  # channel digests list threads only


def test_html_reply_in_a_personal_digest(relay_stack: LocalStack, board: Board) -> None:
    thread = board.thread(SUBJECT)
    board.follow(thread)
    board.reply(thread, REPLY)
    relay_stack.bot.relay.run_once()

    relay_stack.bot.relay.digest_pass(force=True)

    [digest] = dms_to(relay_stack, seed.JANE)
    assert_text_not_tags(shown([digest]))


def test_html_subject_on_the_home_tab(relay_stack: LocalStack, board: Board) -> None:
    board.follow(board.thread(SUBJECT))

    home = json.dumps(open_home(relay_stack)["blocks"], ensure_ascii=False)

    assert_text_not_tags(home, with_reply=False)


def test_html_opening_post_is_an_excerpt_in_channel_posts_and_digests(
    relay_stack: LocalStack, board: Board
) -> None:
    subscribe(relay_stack)
    subscribe(relay_stack, "digest")
    board.thread(SUBJECT, Message=REPLY)  # the opening post, written in the portal editor

    relay_stack.bot.relay.run_once()
    relay_stack.bot.relay.digest_pass(force=True)

    post, digest = relay_stack.slack.posts(CHANNEL)
    assert_text_not_tags(shown([post]))  # the instant post carries the opening post as text
    digest_text = shown([digest])
    assert_text_not_tags(digest_text, with_reply=False)
    assert "*all*" in digest_text and "&lt;!channel&gt;" in digest_text
