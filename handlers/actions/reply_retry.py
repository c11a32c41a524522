"""Retry on the ephemeral about a Slack reply the board did not take: posts the kept text."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.two_way.outcomes import (
    NotYourReply,
    ReplyDeleted,
    ReplyNotLinked,
    ReplyPosted,
    ReplyRefused,
    SlackMessage,
)
from bot.two_way.replies import SlackReplies
from handlers.blocks.reply_notices import (
    reply_busy_text,
    reply_deleted_text,
    reply_not_yours_text,
    reply_posted_text,
    reply_refused,
)
from handlers.blocks.result_views import not_linked_text
from handlers.events.messages import confirm_posted


def retry_reply(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, *, replies: SlackReplies
) -> None:
    ack()
    message = SlackMessage.parse(body["actions"][0]["value"])
    outcome = replies.retry(message, presser=body["user"]["id"])
    if isinstance(outcome, ReplyPosted):
        confirm_posted(client, message)
        respond(text=reply_posted_text(), replace_original=True)
    elif isinstance(outcome, ReplyRefused):
        text, blocks = reply_refused(message, outcome.reason)
        respond(text=text, blocks=blocks, replace_original=True)
    elif isinstance(outcome, ReplyNotLinked):
        respond(text=not_linked_text(outcome.email), replace_original=True)
    elif isinstance(outcome, ReplyDeleted):
        respond(text=reply_deleted_text(), replace_original=True)
    elif isinstance(outcome, NotYourReply):
        respond(text=reply_not_yours_text(outcome.author), response_type="ephemeral", replace_original=False)
    else:
        respond(text=reply_busy_text(), replace_original=False)
