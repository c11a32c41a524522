"""What members see about replying from Slack: the hint under relay posts and reply DMs (not
digests, not the author's own share card), and the refusal ephemeral with its Retry."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from bot.relay.items import BoardReply, BoardThread, DigestEntry
from bot.two_way.outcomes import SlackMessage
from handlers import ids
from handlers.blocks.relay_messages import SlackRelayRenderer, new_thread_card
from handlers.blocks.reply_notices import REPLY_HERE_HINT, reply_refused

THREAD = BoardThread(id=1, subject="Lunch", location="Canal Street", author="Omar", message="<p>Who?</p>")
REPLIES = [BoardReply(id=2, thread_id=1, author="Lee", text="Me")]
RENDER = SlackRelayRenderer()


def says_reply_here(blocks: list[dict[str, Any]]) -> bool:
    return REPLY_HERE_HINT in str(blocks)


def test_relay_posts_and_reply_dms_say_a_slack_reply_answers_on_the_board() -> None:
    _, post = RENDER.channel_thread(THREAD)
    _, dm = RENDER.reply_dm(THREAD, REPLIES * 12)

    assert says_reply_here(post) and says_reply_here(dm)
    assert "Who?" in str(post)  # the opening excerpt is still there
    for blocks in (post, dm):
        assert len(blocks) <= 50
        for block in blocks:
            Block.parse(block).validate_json()  # type: ignore[union-attr]


def test_digests_and_the_authors_share_card_do_not_promise_it() -> None:
    entry = DigestEntry(thread=THREAD, is_new=True, replies=REPLIES)
    digests = [*RENDER.channel_digest([entry]), *RENDER.personal_digest([entry])]
    _, shared = new_thread_card(THREAD, excerpt="typed", typed=True)

    assert not any(says_reply_here(blocks) for _, blocks in digests)
    assert not says_reply_here(shared)


def test_a_refusal_offers_retry_for_that_message_and_escapes_what_nexudus_said() -> None:
    text, blocks = reply_refused(SlackMessage("C1", "2.0"), "Nexudus refused it (Message: <b>&</b>).")

    assert "&lt;b&gt;&amp;&lt;/b&gt;" in text and "Nothing you typed is lost" in text
    [button] = blocks[-1]["elements"]
    assert button["action_id"] == ids.RETRY_REPLY_ACTION and button["value"] == "C1:2.0"
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
