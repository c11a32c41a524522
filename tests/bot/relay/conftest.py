"""Fixtures for the relay: the bot running against a board it has already started watching."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import create_app
from bot.composition import BotApp
from bot.portal import NexudusClient
from bot.portal.ratelimit import RateLimiter
from emulators import seed
from emulators.stack import BUDGET_ONLY, FAST_PACE, LocalStack
from store import Store

THREAD, REPLY = "CommunityThread", "CommunityMessage"


class Board:
    """Writes to the emulated Nexudus board as members would on the portal."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack

    def thread(
        self,
        subject: str = "Lunch on the roof",
        *,
        author: int = seed.OMAR_USER_ID,
        business: int = seed.CANAL_STREET,
        **fields: Any,
    ) -> int:
        record = self.stack.nexudus.add(
            THREAD,
            **{
                "BusinessId": business,
                "UserId": author,
                "Subject": subject,
                "Message": "Who is in?",
                "Private": False,
                "InstantDelivery": False,
                **fields,
            },
        )
        return int(record["Id"])

    def reply(self, thread_id: int, text: str = "Me!", *, author: int = seed.OMAR_USER_ID) -> int:
        record = self.stack.nexudus.add(REPLY, CommunityThreadId=thread_id, UserId=author, Message=text)
        return int(record["Id"])

    def follow(self, thread_id: int, user_id: int = seed.JANE_USER_ID) -> None:
        self.stack.nexudus.add("CommunityThreadFollow", ThreadId=thread_id, UserId=user_id)

    def mute(self, thread_id: int, user_id: int = seed.JANE_USER_ID) -> None:
        self.stack.nexudus.add("CommunityThreadMute", ThreadId=thread_id, UserId=user_id)


@pytest.fixture
def relay_stack(tmp_path: Path) -> Iterator[LocalStack]:
    """Directory loaded, Jane linked, and the relay's first run done (it watches from now)."""
    with LocalStack(directory=tmp_path) as stack:
        stack.bot.directory.refresh()
        stack.bot.identities.resolve(seed.JANE)
        stack.bot.relay.run_once()
        yield stack


@pytest.fixture
def board(relay_stack: LocalStack) -> Board:
    return Board(relay_stack)


def dms_to(stack: LocalStack, user: str) -> list[dict[str, Any]]:
    return stack.slack.posts(f"D{user}")


@contextmanager
def restarted(stack: LocalStack) -> Iterator[BotApp]:
    """A new bot process on the same database file (a deploy, a crash, a cron run)."""
    store = Store(stack.settings.database)
    portal = NexudusClient.for_account(
        stack.settings.nexudus_url,
        username=stack.settings.nexudus_username,
        password=stack.settings.nexudus_password,
        sessions=store.portal_session,
        limiter=RateLimiter(all_calls=BUDGET_ONLY),
    )
    try:
        yield create_app(stack.settings, store=store, portal=portal, channel_pace=FAST_PACE)
    finally:
        portal.close()
        store.close()
