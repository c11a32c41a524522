"""Every ``message`` event: a member's reply in a Slack thread the relay started goes to the
portal thread; their edit or deletion follows it. Everything else is acknowledged and dropped.

Registered as ``app.event("message")``, which matches every subtype: a subtype no listener
matched would go unacknowledged and Slack would retry it (slack-platform.md §13).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.two_way.outcomes import ReplyNotLinked, ReplyOutcome, ReplyPosted, ReplyRefused, SlackMessage
from bot.two_way.replies import SlackReplies
from handlers.blocks.reply_notices import POSTED_REACTION, change_refused, reply_refused
from handlers.blocks.result_views import not_linked_text
from store.slack_replies import SlackReply

log = logging.getLogger(__name__)

# Subtypes that are a member's own words: none, a reply also sent to the channel, and a
# message with files (its text goes to the board; the files stay in Slack).
MEMBER_SUBTYPES = (None, "thread_broadcast", "file_share")


@dataclass(frozen=True)
class _MemberText:
    channel: str
    ts: str
    thread_ts: str
    user: str
    text: str


@dataclass(frozen=True)
class MemberReply(_MemberText):
    """A member's new reply in a Slack thread we relayed."""


@dataclass(frozen=True)
class ReplyEdit(_MemberText):
    """The member changed a reply's text (``message_changed``)."""


@dataclass(frozen=True)
class ReplyDeletion:
    channel: str
    ts: str
    thread_ts: str
    user: str | None


MessageEvent = MemberReply | ReplyEdit | ReplyDeletion


def parse_message_event(event: dict[str, Any], bot_user_id: str | None) -> MessageEvent | None:
    """What a ``message`` event means to us; None for anything we leave alone."""
    subtype, channel = event.get("subtype"), str(event.get("channel") or "")
    if subtype == "message_changed":
        edited = _members_reply(event.get("message") or {}, bot_user_id)
        return ReplyEdit(channel, *edited) if edited and channel else None
    if subtype == "message_deleted":
        gone = event.get("previous_message") or {}
        thread_ts, ts = gone.get("thread_ts"), event.get("deleted_ts")
        if not (channel and ts and thread_ts and thread_ts != ts):
            return None
        return ReplyDeletion(channel, str(ts), str(thread_ts), gone.get("user"))
    if subtype not in MEMBER_SUBTYPES:
        return None  # joins, topics, bot_message, …
    found = _members_reply(event, bot_user_id)
    return MemberReply(channel, *found) if found and channel else None


def _members_reply(message: dict[str, Any], bot_user_id: str | None) -> tuple[str, str, str, str] | None:
    """(ts, thread_ts, user, text) of a person's reply in a thread; None for a top-level
    message, a bot's or an app's (ours included), or one with no text."""
    ts, thread_ts, user = message.get("ts"), message.get("thread_ts"), message.get("user")
    text = str(message.get("text") or "")
    if message.get("bot_id") or not user or user == bot_user_id:
        return None
    if not (ts and thread_ts) or thread_ts == ts or not text.strip():
        return None
    return str(ts), str(thread_ts), str(user), text


def on_message(
    ack: Ack, event: dict[str, Any], context: BoltContext, client: WebClient, *, replies: SlackReplies
) -> None:
    ack()  # first, whatever it is: Slack retries what is not acknowledged within 3 s
    parsed = parse_message_event(event, context.bot_user_id)
    outcome = _handle(parsed, client, replies) if parsed else None
    # One line per event once its work is done (tests wait for it; nothing else shows an
    # ignore). Where and what became of it only: DM and private-channel text stays out of logs.
    log.debug(
        "message event %s in %s at %s: %s → %s",
        event.get("subtype") or "reply",
        event.get("channel"),
        parsed.ts if parsed else event.get("ts"),
        type(parsed).__name__ if parsed else "ignored",
        type(outcome).__name__ if outcome else "nothing",
    )


def _handle(parsed: MessageEvent, client: WebClient, replies: SlackReplies) -> ReplyOutcome:
    match parsed:
        case MemberReply(channel, ts, thread_ts, user, text):
            outcome = replies.post_reply(channel, ts, thread_ts, user, text)
            tell_reply_outcome(client, SlackMessage(channel, ts), thread_ts, user, outcome)
        case ReplyEdit(channel, ts, thread_ts, user, text):
            outcome = replies.edit_reply(channel, ts, user, text)
            if isinstance(outcome, ReplyRefused):
                _ephemeral(client, channel, user, thread_ts, change_refused("edit", outcome.reason))
        case ReplyDeletion(channel, ts, thread_ts, user):
            outcome = replies.delete_reply(channel, ts)
            if isinstance(outcome, ReplyRefused) and user:
                _ephemeral(client, channel, user, thread_ts, change_refused("deletion", outcome.reason))
    return outcome


def tell_reply_outcome(
    client: WebClient, message: SlackMessage, thread_ts: str | None, user: str, outcome: ReplyOutcome
) -> None:
    """A reaction when the board has the reply; else a word in the thread, to the member only."""
    if isinstance(outcome, ReplyPosted):
        confirm_posted(client, message)
    elif isinstance(outcome, ReplyNotLinked):
        _ephemeral(client, message.channel, user, thread_ts, not_linked_text(outcome.email))
    elif isinstance(outcome, ReplyRefused):
        text, blocks = reply_refused(message, outcome.reason)
        _ephemeral(client, message.channel, user, thread_ts, text, blocks)


def confirm_posted(client: WebClient, message: SlackMessage) -> None:
    try:
        client.reactions_add(channel=message.channel, timestamp=message.ts, name=POSTED_REACTION)
    except SlackApiError as error:
        if error.response.get("error") != "already_reacted":  # a repeat is a success
            log.warning("could not confirm reply %s: %s", message.text(), error.response.get("error"))


def _ephemeral(
    client: WebClient,
    channel: str,
    user: str,
    thread_ts: str | None,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
) -> None:
    try:
        client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, text=text, blocks=blocks)
    except SlackApiError as error:
        # Not guaranteed (the member left, or is inactive): the reply's row keeps the reason.
        log.warning("could not tell %s in %s: %s", user, channel, error.response.get("error"))


class SlackReplyNotices:
    """Tells members what became of replies the ``replies.resume`` job finished for a stopped
    process. Their Slack thread is not kept, so a word goes to the conversation itself."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def tell(self, reply: SlackReply, outcome: ReplyOutcome) -> None:
        message = SlackMessage(reply.channel, reply.ts)
        tell_reply_outcome(self._client, message, None, reply.slack_user_id, outcome)
