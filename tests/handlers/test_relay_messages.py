"""Relay messages: valid blocks, inside Slack's message limits, portal text escaped."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.relay.items import BoardReply, BoardThread, DigestEntry
from handlers.blocks.relay_messages import DM_REPLY_CHARS, SlackRelayRenderer, new_thread_card

THREAD = BoardThread(
    id=1,
    subject="<!channel> & co",
    location="Canal <St>",
    group="G&G",
    author="<@U1>",
    url="https://portal.example/1",
)


def reply(n: int, text: str = "hello") -> BoardReply:
    return BoardReply(id=n, thread_id=1, author=f"Member {n}", text=text)


def check(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= 50
    assert sum(len(b.get("text", {}).get("text", "")) for b in blocks) <= 12_000
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
        assert len(block.get("text", {}).get("text", "")) <= 3000


def test_reply_dm_with_many_long_replies_stays_inside_limits() -> None:
    text, blocks = SlackRelayRenderer().reply_dm(THREAD, [reply(n, "x" * 5000) for n in range(30)])

    check(blocks)
    assert "…and 20 more" in str(blocks) and text.startswith("30 new replies")
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == ["Mute thread", "Unfollow", "Open in portal"]
    assert buttons[2]["url"] == "https://portal.example/1"


@pytest.mark.parametrize("kind", ["channel_digest", "personal_digest"])
def test_digests_split_by_blocks_and_by_size(kind: str) -> None:
    entries = [
        DigestEntry(
            thread=THREAD.model_copy(update={"id": n, "subject": "s" * 140}),
            is_new=n % 2 == 0,
            replies=[reply(r, "y" * 400) for r in range(5)],
        )
        for n in range(200)
    ]

    messages = getattr(SlackRelayRenderer(), kind)(entries)

    assert len(messages) > 4
    for _, blocks in messages:
        check(blocks)


def test_everything_from_the_portal_is_escaped() -> None:
    renderer = SlackRelayRenderer()
    rendered = str(
        [
            renderer.reply_dm(THREAD, [reply(1, "<!here> <https://a|b>")]),
            renderer.channel_thread(THREAD),
            renderer.channel_reply(reply(2, "<@U9>")),
            renderer.channel_digest([DigestEntry(thread=THREAD, is_new=True, replies=[])]),
        ]
    )

    for markup in ("<!channel>", "<!here>", "<@U1>", "<@U9>", "<https://a|b>", "<St>"):
        assert markup not in rendered


def test_a_long_html_reply_is_cut_before_a_link_not_inside_it() -> None:
    link = '<a href="https://docs.example/agenda">the agenda</a>'
    body = f"<p>{'word ' * ((DM_REPLY_CHARS - 20) // 5)}{link} and more</p>"

    _, blocks = SlackRelayRenderer().reply_dm(THREAD, [reply(1, body)])

    [line] = [b["text"]["text"] for b in blocks if b["type"] == "section" and "Member 1" in b["text"]["text"]]
    check(blocks)
    assert line.endswith("word…") and "<https://docs.example" not in line
    assert len(line.removeprefix("*Member 1*: ")) <= DM_REPLY_CHARS


def test_digest_keeps_a_replys_paragraphs_on_adjacent_lines() -> None:
    entry = DigestEntry(thread=THREAD, is_new=False, replies=[reply(1, "<p>one</p><p><b>two</b></p>")])

    [(_, blocks)] = SlackRelayRenderer().personal_digest([entry])

    assert blocks[-1]["text"]["text"].endswith("*Member 1*: one\n*two*")


def test_share_card_shows_what_the_member_typed_not_html() -> None:
    typed = THREAD.model_copy(update={"subject": "Use <b> & &amp; here", "author": "Jane &amp; Co"})

    text, blocks = new_thread_card(typed, excerpt="a <i>b</i>\nc", typed=True)

    title, excerpt, credit = (b["text"]["text"] if "text" in b else b["elements"][0]["text"] for b in blocks)
    assert text == "New thread: Use &lt;b&gt; &amp; &amp;amp; here"
    assert title.endswith("|Use &lt;b&gt; &amp; &amp;amp; here>") and excerpt == "a &lt;i&gt;b&lt;/i&gt;\nc"
    assert credit.startswith("Jane &amp; Co ·")  # names come from the portal: decoded, then escaped


def mrkdwn_objects(node: object) -> list[dict[str, Any]]:
    """Every mrkdwn text object anywhere in a block tree."""
    if isinstance(node, list):
        return [found for item in node for found in mrkdwn_objects(item)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("type") == "mrkdwn" else []
    return own + [found for value in node.values() for found in mrkdwn_objects(value)]


def test_portal_text_is_shown_verbatim_not_parsed_by_slack() -> None:
    renderer = SlackRelayRenderer()
    entry = DigestEntry(thread=THREAD, is_new=False, replies=[reply(1, "see www.x.example #general @here")])
    messages = [
        renderer.reply_dm(THREAD, [reply(1, "#general www.x.example")]),
        renderer.channel_thread(THREAD),
        renderer.channel_reply(reply(2, "@here")),
        *renderer.channel_digest([entry]),
        *renderer.personal_digest([entry]),
        new_thread_card(THREAD, excerpt="https://x.example", typed=True),
    ]

    texts = [found for _, blocks in messages for found in mrkdwn_objects(blocks)]

    # Without verbatim, Slack links bare URLs and #channel names and parses some mentions.
    assert len(texts) > len(messages)
    assert all(found.get("verbatim") is True for found in texts)
