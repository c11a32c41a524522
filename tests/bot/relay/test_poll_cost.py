"""A poll's cost follows what is new, not the size of the board."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulators import seed
from emulators.stack import LocalStack


def calls_during(stack: LocalStack, work: object) -> int:
    before = len(stack.nexudus.calls())
    work()  # type: ignore[operator]
    return len(stack.nexudus.calls()) - before


@pytest.mark.parametrize("size", [10, 10_000])
def test_idle_poll_costs_two_calls_whatever_the_board_size(tmp_path: Path, size: int) -> None:
    with LocalStack(directory=tmp_path) as stack:
        seed.board_history(stack.nexudus, size)
        stack.bot.relay.run_once()  # first run: learns where the board is

        assert calls_during(stack, stack.bot.relay.run_once) == 2
        assert calls_during(stack, stack.bot.relay.run_once) == 2


def test_followers_are_read_only_for_threads_with_something_new(tmp_path: Path) -> None:
    with LocalStack(directory=tmp_path) as stack:
        seed.board_history(stack.nexudus, 50)
        stack.bot.relay.run_once()
        active = stack.nexudus.records["CommunityThread"][7]["Id"]
        stack.nexudus.add(
            "CommunityMessage", CommunityThreadId=active, UserId=seed.OMAR_USER_ID, Message="hi"
        )

        stack.bot.relay.run_once()

        follows = stack.nexudus.calls("GET", "/api/community/communitythreadfollows")
        assert [r.query["CommunityThreadFollow_Thread"] for r in follows] == [str(active)]


@pytest.mark.parametrize("count", [1, 3, 10])
def test_idle_poll_costs_two_calls_with_locations_in_many_zones(tmp_path: Path, count: int) -> None:
    with LocalStack(directory=tmp_path, seed=False) as stack:
        seed.locations_in_many_zones(stack.nexudus, count)
        assert stack.bot.directory.refresh()
        stack.bot.relay.run_once()  # first run: learns where the board is

        assert calls_during(stack, stack.bot.relay.run_once) == 2
        assert calls_during(stack, stack.bot.relay.run_once) == 2
