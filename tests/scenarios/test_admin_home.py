"""The admins' section of the Home tab, through the real app: only admins see it, and it
stays within Slack's limits however many people need attention."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.views import View

from emulators import seed
from emulators.stack import LocalStack
from handlers.blocks.reconciliation import LISTED
from tests.conftest import wait_for

HEADING = "Admins: Slack and portal accounts"
MAX_HOME_BLOCKS = 100  # Slack's limit for a Home view


def open_home(stack: LocalStack, user: str) -> dict[str, Any]:
    """The Home view once read from Nexudus (the second publish of an open)."""
    stack.driver.event(
        {"type": "app_home_opened", "user": user, "channel": "DHOME", "tab": "home", "event_ts": "1.1"}
    )
    calls = wait_for(
        lambda: [c for c in stack.slack.calls_to("views.publish") if "Loading" not in str(c.args["view"])]
    )
    return dict(calls[-1].args["view"])


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
