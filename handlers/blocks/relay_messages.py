"""Relay messages: reply DMs, channel posts and digests. Portal text is read with
``portal_html`` (its HTML as mrkdwn, every character from the portal inert).

Implements ``bot.relay.items.RelayRenderer``. Long digests are split so that no message
has more than 50 blocks or about 11,000 characters of block text (Slack refuses larger
ones with ``msg_blocks_too_long`` near 13,000).
"""

from __future__ import annotations

from typing import Any

from bot.relay.items import BoardReply, BoardThread, DigestEntry, Message
from handlers import ids
from handlers.blocks.portal_html import portal_inline, portal_mrkdwn
from handlers.blocks.reply_notices import REPLY_HERE_HINT
from handlers.blocks.text import escape, mrkdwn, plain, shorten, shorten_mrkdwn

BLOCKS_PER_MESSAGE = 50
TEXT_PER_MESSAGE = 11_000
DM_REPLY_CHARS = 1_000  # ten of them stay under the ~13,000-character message limit
DIGEST_REPLY_CHARS = 300
DM_REPLIES_SHOWN = 10
DIGEST_REPLIES_SHOWN = 3
CARD_EXCERPT = 300
DIGEST_EXCERPT = 150

Block = dict[str, Any]


def subject_line(thread: BoardThread, *, typed: bool = False) -> str:
    """The subject as one escaped line; ``typed``: as a member typed it in Slack, not portal text."""
    return escape(" ".join(thread.subject.split())) if typed else portal_inline(thread.subject)


def thread_link(thread: BoardThread, *, typed: bool = False) -> str:
    title = shorten_mrkdwn(subject_line(thread, typed=typed), 150) or "(untitled)"
    return f"<{thread.url}|{title}>" if thread.url else f"*{title}*"


def where(thread: BoardThread) -> str:
    place = portal_inline(thread.location)
    return f"{place} · {portal_inline(thread.group)}" if thread.group else place


def reply_line(reply: BoardReply, limit: int, *, compact: bool = False) -> str:
    """``*author*: body``; ``compact`` (digests) keeps a reply's paragraphs on adjacent lines."""
    body = portal_mrkdwn(reply.text)
    if compact:
        body = body.replace("\n\n", "\n")
    return f"*{portal_inline(reply.author)}*: {shorten_mrkdwn(body, limit)}"


class SlackRelayRenderer:
    def reply_dm(self, thread: BoardThread, replies: list[BoardReply]) -> Message:
        count = f"{len(replies)} new replies" if len(replies) > 1 else "New reply"
        blocks: list[Block] = [
            {"type": "section", "text": mrkdwn(f"{count} on {thread_link(thread)}")},
            {"type": "context", "elements": [mrkdwn(where(thread))]},
        ]
        blocks += [
            {"type": "section", "text": mrkdwn(reply_line(r, DM_REPLY_CHARS))}
            for r in replies[:DM_REPLIES_SHOWN]
        ]
        if len(replies) > DM_REPLIES_SHOWN:
            blocks.append(
                {
                    "type": "context",
                    "elements": [mrkdwn(f"…and {len(replies) - DM_REPLIES_SHOWN} more on the portal")],
                }
            )
        blocks.append({"type": "actions", "elements": thread_buttons(thread.id, thread.url)})
        blocks.append(_reply_here())
        return f"{count} on {portal_inline(thread.subject)}", blocks

    def channel_thread(self, thread: BoardThread) -> Message:
        # Only the relay's post says so: a Slack reply under it reaches the board (the card
        # an author shares from the form is not one the bot hears replies to).
        text, blocks = new_thread_card(thread, excerpt=thread.message)
        return text, [*blocks, _reply_here()]

    def channel_reply(self, reply: BoardReply) -> Message:
        line = reply_line(reply, DM_REPLY_CHARS)
        return line, [{"type": "section", "text": mrkdwn(line)}]

    def channel_digest(self, entries: list[DigestEntry]) -> list[Message]:
        new = [e for e in entries if e.is_new]
        active = [e for e in entries if not e.is_new]
        blocks: list[Block] = []
        if new:
            blocks.append({"type": "section", "text": mrkdwn(f"*New threads* ({len(new)})")})
            blocks += [_digest_thread(e, show_replies=False) for e in new]
        if active:
            blocks.append({"type": "section", "text": mrkdwn(f"*New replies* on {len(active)} thread(s)")})
            blocks += [_digest_thread(e, show_replies=False) for e in active]
        return split("Discussion Board digest", blocks)

    def personal_digest(self, entries: list[DigestEntry]) -> list[Message]:
        blocks: list[Block] = []
        for entry in entries:
            blocks.append(_digest_thread(entry, show_replies=True))
        return split("Your Discussion Board digest", blocks)


def new_thread_card(thread: BoardThread, *, excerpt: str | None = None, typed: bool = False) -> Message:
    """A new thread shown in a channel: by the relay, or shared by its author from the modal.

    ``typed``: subject and excerpt are what the member typed in Slack (plain text, escaped as
    is); otherwise they are portal text, possibly HTML. Names always come from the portal.
    """
    link = thread_link(thread, typed=typed)
    blocks: list[Block] = [
        {"type": "section", "text": mrkdwn(f":speech_balloon: New on the Discussion Board: {link}")}
    ]
    if excerpt:
        if typed:
            shown = escape(shorten(excerpt, CARD_EXCERPT))
        else:
            shown = shorten_mrkdwn(portal_mrkdwn(excerpt), CARD_EXCERPT)
        blocks.append({"type": "section", "text": mrkdwn(shown)})
    blocks.append(
        {"type": "context", "elements": [mrkdwn(f"{portal_inline(thread.author)} · {where(thread)}")]}
    )
    return f"New thread: {subject_line(thread, typed=typed)}", blocks


def _reply_here() -> Block:
    return {"type": "context", "elements": [mrkdwn(f":leftwards_arrow_with_hook: {REPLY_HERE_HINT}")]}


def thread_buttons(thread_id: int, url: str | None) -> list[Block]:
    buttons: list[Block] = [
        {
            "type": "button",
            "action_id": ids.MUTE_THREAD_ACTION,
            "text": plain("Mute thread"),
            "value": str(thread_id),
        },
        {
            "type": "button",
            "action_id": ids.UNFOLLOW_THREAD_ACTION,
            "text": plain("Unfollow"),
            "value": str(thread_id),
        },
    ]
    if url:
        buttons.append(
            {
                "type": "button",
                "action_id": ids.OPEN_IN_PORTAL_ACTION,
                "text": plain("Open in portal"),
                "url": url,
            }
        )
    return buttons


def _digest_thread(entry: DigestEntry, *, show_replies: bool) -> Block:
    thread = entry.thread
    count = len(entry.replies)
    facts = [where(thread), f"by {portal_inline(thread.author)}"]
    if count:
        facts.append(f"{count} new repl{'y' if count == 1 else 'ies'}")
    lines = [thread_link(thread), " · ".join(facts)]
    if entry.is_new and thread.message and not show_replies:
        excerpt = portal_mrkdwn(thread.message).replace("\n\n", "\n")
        lines.append(shorten_mrkdwn(excerpt, DIGEST_EXCERPT))
    if show_replies:
        lines += [
            reply_line(r, DIGEST_REPLY_CHARS, compact=True) for r in entry.replies[:DIGEST_REPLIES_SHOWN]
        ]
        if count > DIGEST_REPLIES_SHOWN:
            lines.append(f"…and {count - DIGEST_REPLIES_SHOWN} more")
    return {"type": "section", "text": mrkdwn(shorten_mrkdwn("\n".join(lines), 3000))}


def split(title: str, blocks: list[Block]) -> list[Message]:
    """Messages of at most 50 blocks and ~11,000 characters, each under its own header."""
    messages: list[Message] = []
    current: list[Block] = []
    size = 0
    for block in blocks:
        length = len(block.get("text", {}).get("text", ""))
        if current and (len(current) + 1 >= BLOCKS_PER_MESSAGE or size + length > TEXT_PER_MESSAGE):
            messages.append(_with_header(title, current))
            current, size = [], 0
        current.append(block)
        size += length
    if current:
        messages.append(_with_header(title, current))
    if len(messages) > 1:
        messages = [(f"{text} ({n}/{len(messages)})", b) for n, (text, b) in enumerate(messages, start=1)]
    return messages


def _with_header(title: str, blocks: list[Block]) -> Message:
    return title, [{"type": "header", "text": plain(title)}, *blocks]
