"""Nexudus pushes a new reply or thread: it reaches Slack without waiting for a poll, once.

The emulated Nexudus POSTs signed webhooks to the bot's real HTTP server (as installed by
``webhooks install``); the bot reads the record back from the API and relays it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.http_server import WEBHOOKS_PATH
from bot.webhooks.registry import WebhookRegistry, receiver_url
from bot.webhooks.signature import sign
from emulators import seed
from emulators.stack import LocalStack
from store import Store
from tests.bot.relay.conftest import Board, dms_to
from tests.conftest import subscribe, wait_for

SECRET = "shared-hook-secret"


@pytest.fixture
def push_stack(tmp_path: Path) -> Iterator[LocalStack]:
    """The relay watching (first poll done), Jane linked, our webhooks installed and signed."""
    with LocalStack(directory=tmp_path, nexudus_webhook_secret=SECRET) as stack:
        stack.nexudus.webhook_secret = SECRET
        stack.bot.directory.refresh()
        stack.bot.identities.resolve(seed.JANE)
        stack.bot.relay.run_once()
        WebhookRegistry(stack.portal, receiver_url(bot_url(stack))).install()
        yield stack


def bot_url(stack: LocalStack) -> str:
    return f"http://127.0.0.1:{stack.server.port}"


SIGNED = "signed with the shared secret"


def push(
    stack: LocalStack,
    body: bytes,
    *,
    signature: str | None = SIGNED,
    content_type: str = "application/json",
) -> httpx.Response:
    """A webhook as Nexudus sends one (``signature=None``: no signature header)."""
    headers = {"Content-Type": content_type}
    if signature is not None:
        headers["X-Nexudus-Hook-Signature"] = sign(body, SECRET) if signature == SIGNED else signature
    return httpx.post(bot_url(stack) + WEBHOOKS_PATH, content=body, headers=headers)


def record_body(stack: LocalStack, entity: str, record_id: int) -> bytes:
    record = stack.nexudus.find(entity, record_id)
    assert record is not None
    return json.dumps([{k: v for k, v in record.items() if not k.startswith("_")}]).encode()


def followed_thread(board: Board, subject: str = "Bike shed") -> int:
    thread = board.thread(subject, InstantDelivery=True)
    board.follow(thread)
    return thread


def inert(store: Store, reply_id: int) -> bool:
    """Nothing recorded about ``reply_id``: not seen, nothing queued."""
    with store.file.read() as db:
        queued = db.table("outbox").count
    return store.relay_state.unseen("replies", [reply_id]) == [reply_id] and queued == 0


def test_a_pushed_reply_is_one_dm_without_a_poll_and_the_poll_after_sends_nothing(
    push_stack: LocalStack,
) -> None:
    board = Board(push_stack)
    thread = followed_thread(board)

    board.reply(thread, "Racks arrive Monday")

    [dm] = wait_for(lambda: dms_to(push_stack, seed.JANE))
    assert "Racks arrive Monday" in str(dm["blocks"])
    push_stack.bot.relay.run_once()
    assert len(dms_to(push_stack, seed.JANE)) == 1


def test_a_webhook_after_the_poll_sends_nothing_again(push_stack: LocalStack) -> None:
    board = Board(push_stack)
    first = followed_thread(board, "First")
    second = followed_thread(board, "Second")
    push_stack.nexudus.webhooks.paused = True  # Nexudus late: the poll gets there first
    late = board.reply(first, "Polled")
    push_stack.bot.relay.run_once()
    assert len(dms_to(push_stack, seed.JANE)) == 1
    push_stack.nexudus.webhooks.paused = False

    assert push(push_stack, record_body(push_stack, "CommunityMessage", late)).status_code == 200
    board.reply(second, "Pushed")  # pushed after the late one: handled after it

    wait_for(lambda: len(dms_to(push_stack, seed.JANE)) == 2)
    texts = [str(m["blocks"]) for m in dms_to(push_stack, seed.JANE)]
    assert sum("Polled" in t for t in texts) == 1 and sum("Pushed" in t for t in texts) == 1


def test_a_pushed_thread_is_posted_to_a_subscribed_channel_once(push_stack: LocalStack) -> None:
    subscribe(push_stack.store, "CPUSH")
    board = Board(push_stack)

    board.thread("Book swap on Friday")

    [post] = wait_for(lambda: push_stack.slack.posts("CPUSH"))
    assert "Book swap on Friday" in post["text"]
    push_stack.bot.relay.run_once()
    assert len(push_stack.slack.posts("CPUSH")) == 1


def test_a_private_thread_pushed_is_never_posted_to_a_channel(push_stack: LocalStack) -> None:
    subscribe(push_stack.store, "CPUSH")
    board = Board(push_stack)
    board.thread("Salary talk", Private=True)
    board.thread("Open talk")  # pushed after the private one: handled after it

    [post] = wait_for(lambda: push_stack.slack.posts("CPUSH"))

    assert "Open talk" in post["text"]


def test_a_reply_in_non_ascii_text_verifies_as_nexudus_signs_it(push_stack: LocalStack) -> None:
    board = Board(push_stack)
    thread = followed_thread(board, "Café")

    board.reply(thread, "Crème brûlée ☕ at four")

    [dm] = wait_for(lambda: dms_to(push_stack, seed.JANE))
    assert "Crème brûlée ☕ at four" in str(dm["blocks"])
    [delivery] = [p for p in push_stack.nexudus.webhooks.pushes if b"Cr\xc3\xa8me" in p.body]
    assert delivery.status == 200


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"signature": "0" * 64}, 401),  # signed with another secret
        ({"signature": None}, 401),  # no signature at all
        ({"content_type": "text/plain"}, 400),  # not JSON by its type
        ({"body": b"[{'Id': 1}"}, 400),  # not JSON
        ({"body": b'{"Id": 1}'}, 400),  # an object, not an array
        ({"body": b'[{"Id": "1"}]'}, 400),  # an Id that is not a number
        ({"body": b"[" + b" " * (1024 * 1024) + b"]"}, 413),  # over 1 MB
    ],
)
def test_a_refused_webhook_records_nothing(
    push_stack: LocalStack, change: dict[str, Any], status: int
) -> None:
    board = Board(push_stack)
    thread = followed_thread(board)
    push_stack.nexudus.webhooks.paused = True
    reply = board.reply(thread, "Not yet")
    body = change.pop("body", None) or record_body(push_stack, "CommunityMessage", reply)

    answer = push(push_stack, body, **change)

    assert answer.status_code == status
    assert inert(push_stack.store, reply)
    assert not push_stack.nexudus.calls("GET", f"/api/community/communitymessages/{reply}")


def test_a_pushed_thread_edited_before_any_poll_has_its_channel_post_updated(push_stack: LocalStack) -> None:
    subscribe(push_stack.store, "CPUSH")
    thread = Board(push_stack).thread("Book swap on Friday")
    wait_for(lambda: push_stack.slack.posts("CPUSH"))

    push_stack.nexudus.update("CommunityThread", thread, Subject="Book swap moved to Saturday")
    push_stack.bot.relay.run_once()

    [update] = [call.args for call in push_stack.slack.calls_to("chat.update")]
    assert update["channel"] == "CPUSH" and "Book swap moved to Saturday" in json.dumps(update["blocks"])
