"""The admins' section of the Home tab, through the real app: only admins see it, and it
stays within Slack's limits however many people need attention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from slack_sdk.models.views import View

from bot.home import REPORT_TTL
from emulators import seed
from emulators.stack import LocalStack
from handlers.blocks.reconciliation import LISTED
from tests.conftest import wait_for


class Clock:
    def __init__(self) -> None:
        self.start = self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


HEADING = "Admins: Slack and portal accounts"
MAX_HOME_BLOCKS = 100  # Slack's limit for a Home view


def open_home(stack: LocalStack, user: str) -> dict[str, Any]:
    """The Home view once read from Nexudus (the second publish of an open)."""
    before = len(read_views(stack))
    stack.driver.event(
        {"type": "app_home_opened", "user": user, "channel": "DHOME", "tab": "home", "event_ts": "1.1"}
    )
    return wait_for(lambda: read_views(stack)[before:])[-1]


def read_views(stack: LocalStack) -> list[dict[str, Any]]:
    published = [dict(c.args["view"]) for c in stack.slack.calls_to("views.publish")]
    return [view for view in published if "Loading" not in str(view)]


def test_an_admin_sees_who_has_no_portal_account_and_what_to_do(stack: LocalStack) -> None:
    view = open_home(stack, seed.ADMIN)

    text = str(view["blocks"])
    assert HEADING in text
    assert f"<@{seed.NOBODY}>" in text and "nobody@example.com" in text
    assert "/newthread link @them" in text and "Cost: one users.list walk" in text
    View(**view).validate_json()


def test_a_member_sees_no_admin_section_and_no_workspace_walk(stack: LocalStack) -> None:
    view = open_home(stack, seed.JANE)

    assert HEADING not in str(view["blocks"])
    assert stack.slack.calls_to("users.list") == []


def test_many_people_without_accounts_are_summarised_within_slacks_limits(stack: LocalStack) -> None:
    for n in range(60):
        stack.slack.add_user(f"UNEW{n}", f"New Member {n}", f"new{n}@example.com")

    view = open_home(stack, seed.ADMIN)

    text = str(view["blocks"])
    assert len(view["blocks"]) <= MAX_HOME_BLOCKS
    assert text.count("• <@") == LISTED  # of the 20 a Home open looks up
    assert "more: `python -m bot people` lists all" in text and "not checked" in text
    View(**view).validate_json()


def test_the_report_is_made_once_per_quarter_hour_whoever_opens(tmp_path: Path) -> None:
    clock = Clock()
    with LocalStack(directory=tmp_path, clock=clock, admins=frozenset({seed.JANE})) as stack:
        first = open_home(stack, seed.ADMIN)
        clock.now += REPORT_TTL - timedelta(seconds=1)
        second = open_home(stack, seed.JANE)  # another admin, within the quarter hour
        walks = len(stack.slack.calls_to("users.list"))
        clock.now += timedelta(seconds=1)
        open_home(stack, seed.ADMIN)

        assert walks == 1 and len(stack.slack.calls_to("users.list")) == 2
    assert HEADING in str(first["blocks"]) and HEADING in str(second["blocks"])
    assert f"As of {clock.start:%H:%M} UTC" in str(second["blocks"])


def test_a_report_slack_refuses_leaves_the_rest_of_the_home_tab(stack: LocalStack) -> None:
    stack.slack.retry_after = 0
    stack.slack.rate_limited["users.list"] = 10  # beyond the client's retries

    view = open_home(stack, seed.ADMIN)

    text = str(view["blocks"])
    assert "Report unavailable (Slack refused: ratelimited)" in text and "python -m bot people" in text
    View(**view).validate_json()
